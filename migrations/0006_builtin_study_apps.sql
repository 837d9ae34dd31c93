-- The launchpad's two seeded activities pointed at ports nothing served (localhost:8081 and
-- :8082). They become the study apps that lang-portal serves itself, with their thumbnails.
-- Only rows still carrying the seeded address move: an activity someone pointed elsewhere stays.
UPDATE study_activities
SET launch_url = '/apps/typing/',
    thumbnail_url = coalesce(thumbnail_url, '/apps/thumbnails/typing.svg'),
    description = 'Type the romaji of each word of a group; the usual Hepburn spellings count.'
WHERE name = 'Typing Tutor' AND launch_url IN ('http://localhost:8081', 'http://localhost:8081/');

UPDATE study_activities
SET launch_url = '/apps/flashcards/',
    thumbnail_url = coalesce(thumbnail_url, '/apps/thumbnails/flashcards.svg'),
    description = 'Review a group''s words as flashcards: reveal the English and say if you knew it.'
WHERE name = 'Flashcards' AND launch_url IN ('http://localhost:8082', 'http://localhost:8082/');
