DROP TABLE case_apologies;
DROP TABLE job_leases;
