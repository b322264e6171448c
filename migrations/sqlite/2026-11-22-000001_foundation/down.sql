DROP TABLE server_secrets;
DROP TABLE sessions;
DROP TABLE accounts;
DROP TABLE staff_photos;
DROP TABLE staff;
DROP TABLE counters;
DROP TABLE units;
