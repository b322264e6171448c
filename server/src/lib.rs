//! The Minh Bạch server: the JSON API, the server-rendered pages, and the command line.

pub mod api;
pub mod assets;
pub mod auth;
pub mod citizen;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod db;
pub mod demo;
pub mod error;
pub mod export;
pub mod export_api;
pub mod figures_api;
pub mod findings_api;
pub mod pages;
pub mod photo;
pub mod public_figures;
pub mod qr;
pub mod rating_writer;
pub mod report_api;
pub mod schema;
pub mod services;
pub mod startup;
pub mod state;
pub mod telemetry;
