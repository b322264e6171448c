DROP TRIGGER findings_no_delete;
DROP TRIGGER findings_no_update;
DROP TABLE findings;
DROP TABLE discipline_measures;
