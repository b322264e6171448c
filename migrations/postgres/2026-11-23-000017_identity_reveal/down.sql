DROP TABLE identity_reveals;
