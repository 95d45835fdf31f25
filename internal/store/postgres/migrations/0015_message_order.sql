-- 0015: a conversation's messages page by row id (the export's order) and a
-- person's messages by sender and row id, each page one index range.
CREATE INDEX messages_conversation_order ON messages (conversation_id, id);
CREATE INDEX messages_sender_order ON messages (sender_id, id);
DROP INDEX messages_sender;
