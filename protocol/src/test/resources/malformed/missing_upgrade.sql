-- revision: a1
-- down_revision: a0

-- a comment
