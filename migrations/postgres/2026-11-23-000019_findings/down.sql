DROP TABLE findings;
DROP FUNCTION findings_refuse_change();
DROP TABLE discipline_measures;
