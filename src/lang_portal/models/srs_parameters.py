"""The FSRS parameters in use, where they came from, and how well each candidate predicted the
held-out answers."""

from __future__ import annotations

from pydantic import BaseModel, Field


class HeldOutScores(BaseModel):
    """Scores on the held-out (newer) answers, as `srs evaluate` scores them."""

    log_loss: float | None
    rmse_bins: float | None
    auc: float | None


class FitSplit(BaseModel):
    split_at: str | None = Field(description="answers from this moment on were held out")
    answers: int = Field(description="answers in the history when the fit ran")
    training_answers: int
    held_out_answers: int
    training_reviews_scored: int = Field(
        description="training answers a day or more after the word's previous answer"
    )
    held_out_reviews_scored: int


class SrsParameters(BaseModel):
    parameters: list[float] = Field(description="the 21 FSRS-6 weights in use")
    source: str = Field(
        examples=["fitted"],
        description="defaults (never fitted), fitted (srs optimize or the automatic refit) "
        "or reset (back to the defaults by hand)",
    )
    fitted_at: str | None = Field(description="when the parameters in use were fitted")
    model: str = Field(examples=["FSRS-6"])
    optimizer: str = Field(examples=["fsrs-rs-python 0.9.3"])
    desired_retention: float
    split: FitSplit | None = Field(description="the data the last fit was fitted and scored on")
    scores: dict[str, HeldOutScores | None] = Field(
        description="held-out scores of the fitted parameters, the defaults and the constant "
        "baseline (the average recall of the training part), from the last fit"
    )
    last_attempt: dict[str, object] | None = Field(
        description="the last fit tried, kept or not, with its reason"
    )
    refit_every: int = Field(description="SRS_OPTIMIZE_EVERY: new answers between refits (0: off)")
    slow_correct_as_hard_ms: int | None = Field(
        description="a right answer sent without a grade and slower than this counts as hard "
        "(null: as good); kept with a fit only when it lowered the held-out log loss"
    )
    answer_time: dict[str, object] | None = Field(
        description="the last fit's test of answer times: the held-out log loss with right "
        "answers as good and with slow ones as hard, and whether that was adopted"
    )
