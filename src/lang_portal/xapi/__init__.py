"""The xAPI Learning Record Store at `/xapi` (xAPI 1.0.3 and IEEE 9274.1.1 "2.0.0").

A sub-application of its own: xAPI's headers, authentication and error bodies are not the
portal's. `app.build_xapi_app` builds it; every resource is a router module here.
"""
