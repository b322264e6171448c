DROP TABLE report_events;
DROP TABLE report_photos;
DROP TABLE reports;
