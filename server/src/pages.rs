//! Placeholder until the Leptos integration lands.
use crate::config::Config;
use crate::state::AppState;

#[derive(Clone)]
pub struct LeptosSite;

impl LeptosSite {
    pub fn new(_config: &Config) -> Self {
        LeptosSite
    }
}

pub fn mount<T>(app: actix_web::App<T>, _site: &LeptosSite, _state: AppState) -> actix_web::App<T>
where
    T: actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Error = actix_web::Error,
        InitError = (),
    >,
{
    app
}
