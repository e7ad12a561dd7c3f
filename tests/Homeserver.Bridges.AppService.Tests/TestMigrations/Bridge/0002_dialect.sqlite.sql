CREATE TABLE test_dialect (name text NOT NULL);
INSERT INTO test_dialect (name) VALUES ('sqlite');
CREATE INDEX test_widgets_lower_id ON test_widgets (lower(id));
