DROP TABLE photo_redactions;
