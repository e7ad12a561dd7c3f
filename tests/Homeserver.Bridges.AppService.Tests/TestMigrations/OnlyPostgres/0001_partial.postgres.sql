CREATE TABLE test_partial (id text PRIMARY KEY);
