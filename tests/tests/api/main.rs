//! The black-box API tests: one binary (each binary links the whole server), one module per
//! area. Every test starts its own server on its own database (see `tests::spawn_app`), on
//! SQLite or on PostgreSQL as `MINHBACH_TEST_DATABASE` says.

mod accounts;
mod audit;
mod auth;
mod backup;
mod bad_input;
mod calendar;
mod case_rollups;
mod cases;
mod counters;
mod deadline_rules;
mod exports;
mod figures;
mod findings;
mod health;
mod identity;
mod import;
mod lifecycle;
mod logs;
mod metrics;
mod migrate_data;
mod notifications;
mod outbox;
mod oversight;
mod photo_store;
mod rating_review;
mod ratings;
mod reception;
mod redaction;
mod reports;
mod routing;
mod scale_out;
mod staff;
mod units;
