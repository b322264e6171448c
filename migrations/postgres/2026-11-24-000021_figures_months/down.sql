DROP TRIGGER case_deadline_days_rolled ON case_deadline_days;
DROP FUNCTION case_deadline_days_rolled();
DROP TRIGGER case_days_rolled ON case_days;
DROP FUNCTION case_days_rolled();
DROP TABLE case_unit_days;
DROP TABLE case_deadline_months;
DROP TABLE case_months;
