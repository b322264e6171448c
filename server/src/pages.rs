//! The web pages: the Leptos app rendered on the server, its server functions, the WASM bundle
//! and stylesheet, and the few plain form endpoints that must set cookies or take file uploads
//! (sign-in, sign-out, language, staff photo, CSV import).

use crate::api::{create_account_for, update_account_for};
use crate::auth::{authenticate, Actor, SESSION_COOKIE};
use crate::config::Config;
use crate::error::{AppError, AppResult};
use crate::services::{auth as auth_svc, counters, import, staff, units};
use crate::state::AppState;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{ServiceFactory, ServiceRequest};
use actix_web::http::header;
use actix_web::{web, App, HttpRequest, HttpResponse};
use app::backend::{Backend, PageAuth, SharedBackend};
use intake::multipart::read_upload;
use leptos::prelude::*;
use leptos_actix::{
    generate_route_list, handle_server_fns_with_context, ActixRouteListing, LeptosRoutes,
};
// `local_path`: only paths on this site, so a crafted link cannot bounce a signed-in user
// elsewhere.
use shared::forms::{local_path, LoginForm};
use shared::model::*;
use shared::{ApiError, ErrorCode, Lang};
use std::sync::Arc;

pub const LANG_COOKIE: &str = "mb_lang";

#[derive(Clone)]
pub struct LeptosSite {
    /// The staff's pages, the counter pages and the report pages, each with its own bundle.
    halves: Vec<(app::Bundle, LeptosOptions, Vec<ActixRouteListing>)>,
    /// One cache of compressed bundles for every worker (each worker builds its own `App`).
    pub assets: web::Data<crate::assets::Assets>,
}

impl LeptosSite {
    pub fn new(config: &Config) -> LeptosSite {
        let options = |bundle: app::Bundle| {
            LeptosOptions::builder()
                .output_name(bundle.output_name())
                .site_root(config.site_root.clone())
                .site_pkg_dir("pkg")
                .build()
        };
        let halves = vec![
            (
                app::Bundle::Staff,
                options(app::Bundle::Staff),
                generate_route_list(app::StaffApp),
            ),
            (
                app::Bundle::Citizen,
                options(app::Bundle::Citizen),
                generate_route_list(app::CitizenApp),
            ),
            (
                app::Bundle::Report,
                options(app::Bundle::Report),
                generate_route_list(app::ReportApp),
            ),
        ];
        LeptosSite {
            halves,
            assets: web::Data::new(crate::assets::Assets::new(&format!(
                "{}/pkg",
                config.site_root
            ))),
        }
    }
}

/// The reader's language: the `mb_lang` cookie, Vietnamese by default.
pub(crate) fn lang_of(req: &HttpRequest) -> Lang {
    if let Some(c) = req.cookie(LANG_COOKIE) {
        return Lang::parse(c.value());
    }
    Lang::Vi
}

pub fn mount<T>(app: App<T>, site: &LeptosSite, state: AppState) -> App<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = actix_web::Error, InitError = ()>,
{
    let backend: SharedBackend = Arc::new(PagesBackend(state.clone()));
    let fn_backend = backend.clone();
    let assets = site.assets.clone();
    let page_context = move || {
        provide_context(backend.clone());
        let lang = use_context::<leptos_actix::Request>()
            .map(|r| lang_of(&r))
            .unwrap_or_default();
        provide_context(lang);
    };
    let mut app = app
        .route("/style.css", web::get().to(stylesheet))
        .route("/login", web::post().to(web_login))
        .route("/logout", web::post().to(web_logout))
        .route("/lang/{code}", web::get().to(set_lang))
        .route(
            "/admin/staff/{id}/photo",
            web::post().to(upload_staff_photo),
        )
        .route("/admin/import/{kind}", web::post().to(import_csv))
        .route(
            "/fn/{tail:.*}",
            handle_server_fns_with_context(move || provide_context(fn_backend.clone())),
        )
        .app_data(assets)
        .route("/pkg/{file}", web::get().to(crate::assets::serve));
    for (bundle, options, routes) in &site.halves {
        let (bundle, options) = (*bundle, options.clone());
        app = app.leptos_routes_with_context(routes.clone(), page_context.clone(), move || {
            let lang = use_context::<Lang>().unwrap_or_default();
            app::shell(options.clone(), lang, bundle)
        });
    }
    app.app_data(web::Data::new(site.halves[0].1.clone()))
}

async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(app::STYLESHEET)
}

pub(crate) fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

fn session_cookie(state: &AppState, value: String, max_age_secs: i64) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, value)
        .path("/")
        .http_only(true)
        .secure(state.config.cookies_secure())
        .same_site(SameSite::Strict)
        .max_age(actix_web::cookie::time::Duration::seconds(max_age_secs))
        .finish()
}

async fn web_login(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let next = local_path(&form.next, "/admin");
    let back = |code: ErrorCode| {
        see_other(&format!(
            "/login?error={}&next={}",
            code.as_str(),
            next.replace('&', "%26").replace('?', "%3F")
        ))
    };
    let input = match shared::validate::login(&form.request()) {
        Ok(i) => i,
        Err(e) => return back(e.code),
    };
    let address = crate::auth::client_address(&req, state.config.trust_proxy);
    match state.limits.login(&input.username, &address).await {
        Ok(true) => {}
        Ok(false) => return back(ErrorCode::RateLimited),
        Err(e) => return back(e.0.code),
    }
    let st = state.get_ref().clone();
    match state
        .db
        .run(move |c| auth_svc::web_login(&st, c, &input, &address))
        .await
    {
        Ok((_, token)) => {
            let mut res = see_other(&next);
            let _ = res.add_cookie(&session_cookie(
                &state,
                token,
                state.config.web_idle_ttl_secs,
            ));
            res
        }
        Err(AppError(e)) => back(e.code),
    }
}

async fn web_logout(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    if let Ok(Some(actor)) = authenticate(&req, &state).await {
        let _ = state.db.run(move |c| auth_svc::logout(c, &actor)).await;
    }
    let mut res = see_other("/login?bye=1");
    let _ = res.add_cookie(&session_cookie(&state, String::new(), 0));
    res
}

#[derive(serde::Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn set_lang(code: web::Path<String>, q: web::Query<NextQuery>) -> HttpResponse {
    let lang = Lang::parse(&code);
    let next = local_path(q.next.as_deref().unwrap_or("/"), "/");
    let mut res = see_other(&next);
    let cookie = Cookie::build(LANG_COOKIE, lang.code())
        .path("/")
        .same_site(SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::days(365))
        .finish();
    let _ = res.add_cookie(&cookie);
    res
}

fn back_with_error(path: &str, err: &ApiError) -> HttpResponse {
    see_other(&format!("{path}?err={}", app::error::encode_for_url(err)))
}

async fn signed_in(req: &HttpRequest, state: &AppState) -> Option<Actor> {
    authenticate(req, state).await.ok().flatten()
}

async fn upload_staff_photo(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    form: actix_multipart::Multipart,
) -> HttpResponse {
    let id = id.into_inner();
    let page = format!("/admin/staff/{id}");
    let Some(actor) = signed_in(&req, &state).await else {
        return see_other(&format!("/login?next={page}"));
    };
    let result: Result<(), ApiError> = async {
        let bytes = read_upload(form, crate::photo::MAX_UPLOAD_BYTES).await?;
        let jpeg = tokio::task::spawn_blocking(move || crate::photo::portrait_jpeg(&bytes))
            .await
            .map_err(|_| ApiError::new(ErrorCode::Internal))??;
        let id = id.clone();
        state
            .db
            .run(move |c| staff::set_photo(c, &actor, &id, jpeg))
            .await
            .map_err(|e| e.0)?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => see_other(&format!("{page}?ok=saved")),
        Err(e) => back_with_error(&page, &e),
    }
}

async fn import_csv(
    state: web::Data<AppState>,
    req: HttpRequest,
    kind: web::Path<String>,
    form: actix_multipart::Multipart,
) -> HttpResponse {
    let page = "/admin/import";
    let Some(actor) = signed_in(&req, &state).await else {
        return see_other(&format!("/login?next={page}"));
    };
    let kind = kind.into_inner();
    let result: Result<ImportReport, ApiError> = async {
        let body = read_upload(form, 20 * 1024 * 1024).await?;
        let report = match kind.as_str() {
            "units" => {
                state
                    .db
                    .run(move |c| import::import_units(c, &actor, &body))
                    .await
            }
            "staff" => {
                state
                    .db
                    .run(move |c| import::import_staff(c, &actor, &body))
                    .await
            }
            _ => Err(AppError::not_found()),
        };
        report.map_err(|e| e.0)
    }
    .await;
    match result {
        Ok(r) => see_other(&format!(
            "{page}?ok=saved&units={}&staff={}&counters={}",
            r.units_created, r.staff_created, r.counters_created
        )),
        Err(e) => back_with_error(page, &e),
    }
}

/// The pages' view of the services: each call authenticates the page's session cookie and
/// then runs exactly what the JSON API runs.
struct PagesBackend(AppState);

impl PagesBackend {
    async fn actor(&self, auth: &PageAuth) -> Result<Actor, ApiError> {
        let token = auth
            .session
            .clone()
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
        let idle = self.0.config.web_idle_ttl_secs * 1000;
        let cred = crate::auth::Credential::WebSession(token);
        let mut actor = self
            .0
            .db
            .run(move |c| crate::auth::load_actor(c, &cred, idle))
            .await
            .map_err(|e| e.0)?;
        actor.from = auth.address.clone();
        Ok(actor)
    }

    async fn run<T, F>(&self, auth: &PageAuth, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut crate::db::DbConn, &Actor) -> AppResult<T> + Send + 'static,
    {
        let actor = self.actor(auth).await?;
        self.0.db.run(move |c| f(c, &actor)).await.map_err(|e| e.0)
    }
}

#[async_trait::async_trait]
impl Backend for PagesBackend {
    async fn me(&self, auth: &PageAuth) -> Result<Option<Me>, ApiError> {
        if auth.session.is_none() {
            return Ok(None);
        }
        let key = self.0.data_key.clone();
        match self.run(auth, move |c, a| auth_svc::me(c, a, &key)).await {
            Ok(me) => Ok(Some(me)),
            Err(e) if e.status() == 401 || e.status() == 403 => Ok(None),
            Err(e) => Err(e),
        }
    }
    async fn units(&self, auth: &PageAuth, q: ListQuery) -> Result<Page<Unit>, ApiError> {
        self.run(auth, move |c, a| units::list(c, a, &q)).await
    }
    async fn unit(&self, auth: &PageAuth, id: String) -> Result<Unit, ApiError> {
        self.run(auth, move |c, a| {
            units::visible(c, a, &id).map(|u| u.into_api())
        })
        .await
    }
    async fn create_unit(&self, auth: &PageAuth, input: NewUnit) -> Result<Unit, ApiError> {
        self.run(auth, move |c, a| units::create(c, a, &input))
            .await
    }
    async fn update_unit(
        &self,
        auth: &PageAuth,
        id: String,
        patch: UnitPatch,
    ) -> Result<Unit, ApiError> {
        self.run(auth, move |c, a| units::update(c, a, &id, &patch))
            .await
    }
    async fn counters(&self, auth: &PageAuth, q: ListQuery) -> Result<Page<Counter>, ApiError> {
        self.run(auth, move |c, a| counters::list(c, a, &q)).await
    }
    async fn create_counter(
        &self,
        auth: &PageAuth,
        input: NewCounter,
    ) -> Result<Counter, ApiError> {
        self.run(auth, move |c, a| counters::create(c, a, &input))
            .await
    }
    async fn update_counter(
        &self,
        auth: &PageAuth,
        id: String,
        patch: CounterPatch,
    ) -> Result<Counter, ApiError> {
        self.run(auth, move |c, a| counters::update(c, a, &id, &patch))
            .await
    }
    async fn rotate_counter_token(&self, auth: &PageAuth, id: String) -> Result<Counter, ApiError> {
        self.run(auth, move |c, a| counters::rotate_token(c, a, &id))
            .await
    }
    async fn staff_list(&self, auth: &PageAuth, q: ListQuery) -> Result<Page<Staff>, ApiError> {
        self.run(auth, move |c, a| staff::list(c, a, &q)).await
    }
    async fn staff(&self, auth: &PageAuth, id: String) -> Result<Staff, ApiError> {
        self.run(auth, move |c, a| {
            staff::visible(c, a, &id).map(|s| s.into_api())
        })
        .await
    }
    async fn create_staff(&self, auth: &PageAuth, input: NewStaff) -> Result<Staff, ApiError> {
        self.run(auth, move |c, a| staff::create(c, a, &input))
            .await
    }
    async fn update_staff(
        &self,
        auth: &PageAuth,
        id: String,
        patch: StaffPatch,
    ) -> Result<Staff, ApiError> {
        self.run(auth, move |c, a| staff::update(c, a, &id, &patch))
            .await
    }
    async fn accounts(&self, auth: &PageAuth, q: ListQuery) -> Result<Page<Account>, ApiError> {
        let key = self.0.data_key.clone();
        self.run(auth, move |c, a| {
            crate::services::accounts::list(c, a, &q, &key)
        })
        .await
    }
    async fn account(&self, auth: &PageAuth, id: String) -> Result<Account, ApiError> {
        let key = self.0.data_key.clone();
        self.run(auth, move |c, a| {
            crate::services::accounts::visible(c, a, &id).map(|x| x.into_api(&key))
        })
        .await
    }
    async fn create_account(
        &self,
        auth: &PageAuth,
        input: NewAccount,
    ) -> Result<Account, ApiError> {
        let actor = self.actor(auth).await?;
        create_account_for(&self.0, actor, input)
            .await
            .map_err(|e| e.0)
    }
    async fn update_account(
        &self,
        auth: &PageAuth,
        id: String,
        patch: AccountPatch,
    ) -> Result<Account, ApiError> {
        let actor = self.actor(auth).await?;
        update_account_for(&self.0, actor, id, patch)
            .await
            .map_err(|e| e.0)
    }
    async fn open_reception(
        &self,
        auth: &PageAuth,
    ) -> Result<shared::reception::ReceptionSession, ApiError> {
        let state = self.0.clone();
        self.run(auth, move |c, a| {
            let id = crate::services::reception::open_this_week(c, a, None)?;
            crate::services::reception::session(c, a, &state.data_key, &id)
        })
        .await
    }
    async fn reception(
        &self,
        auth: &PageAuth,
        id: String,
    ) -> Result<shared::reception::ReceptionSession, ApiError> {
        let state = self.0.clone();
        self.run(auth, move |c, a| {
            crate::services::reception::session(c, a, &state.data_key, &id)
        })
        .await
    }
    async fn record_reception(
        &self,
        auth: &PageAuth,
        id: String,
        input: shared::reception::NewReceptionEntry,
    ) -> Result<shared::reception::ReceptionSession, ApiError> {
        let state = self.0.clone();
        self.run(auth, move |c, a| {
            crate::services::reception::record(c, a, &state.data_key, &id, &input)
        })
        .await
    }
    async fn calendar_year(
        &self,
        auth: &PageAuth,
        year: i32,
    ) -> Result<shared::calendar::CalendarYear, ApiError> {
        self.run(auth, move |c, a| {
            crate::services::calendar::year(c, a, year)
        })
        .await
    }
    async fn save_calendar_year(
        &self,
        auth: &PageAuth,
        input: shared::calendar::CalendarYear,
    ) -> Result<shared::calendar::CalendarYear, ApiError> {
        let actor = self.actor(auth).await?;
        crate::api::save_calendar(&self.0, actor, input)
            .await
            .map_err(|e| e.0)
    }
    async fn audit(
        &self,
        auth: &PageAuth,
        q: shared::audit::AuditQuery,
    ) -> Result<shared::audit::AuditPage, ApiError> {
        self.run(auth, move |c, a| crate::services::audit::list(c, a, &q))
            .await
    }
    async fn cases(
        &self,
        auth: &PageAuth,
        q: shared::case::CaseQuery,
    ) -> Result<shared::case::CasePage, ApiError> {
        self.run(auth, move |c, a| crate::services::cases::inbox(c, a, &q))
            .await
    }
    async fn case(
        &self,
        auth: &PageAuth,
        id: String,
    ) -> Result<shared::case::CaseDetail, ApiError> {
        let key = self.0.data_key.clone();
        self.run(auth, move |c, a| {
            crate::services::cases::detail(c, a, &key, &id)
        })
        .await
    }
    async fn case_action(
        &self,
        auth: &PageAuth,
        id: String,
        action: shared::workflow::Action,
    ) -> Result<shared::case::CaseDetail, ApiError> {
        let key = self.0.data_key.clone();
        self.run(auth, move |c, a| {
            crate::services::cases::act(c, a, &key, &id, &action)
        })
        .await
    }
    async fn oversight_patterns(
        &self,
        auth: &PageAuth,
        q: shared::oversight::PatternQuery,
    ) -> Result<shared::oversight::Patterns, ApiError> {
        self.run(auth, move |c, a| {
            crate::services::oversight::patterns(c, a, &q)
        })
        .await
    }
    async fn reveal_identity(
        &self,
        auth: &PageAuth,
        id: String,
        reason: String,
    ) -> Result<shared::case::RevealedIdentity, ApiError> {
        let key = self.0.data_key.clone();
        let req = shared::case::RevealRequest { reason };
        self.run(auth, move |c, a| {
            crate::services::identity::reveal(c, a, &key, &id, &req)
        })
        .await
    }
    async fn flagged_ratings(
        &self,
        auth: &PageAuth,
        q: shared::review::FlaggedQuery,
    ) -> Result<Page<shared::review::FlaggedRating>, ApiError> {
        self.run(auth, move |c, a| {
            crate::services::ratings::awaiting_review(c, a, &q)
        })
        .await
    }
    async fn review_ratings(
        &self,
        auth: &PageAuth,
        input: shared::review::ReviewRequest,
    ) -> Result<shared::review::ReviewReceipt, ApiError> {
        self.run(auth, move |c, a| {
            crate::services::ratings::review(c, a, &input)
        })
        .await
    }
    async fn figures(
        &self,
        auth: &PageAuth,
        q: shared::figures::FiguresQuery,
    ) -> Result<shared::figures::Dashboard, ApiError> {
        let min = self.0.config.min_ratings;
        self.run(auth, move |c, a| {
            crate::services::figures::dashboard(c, a, &q, min)
        })
        .await
    }
    async fn scorecard(
        &self,
        auth: &PageAuth,
        staff_id: String,
        month: Option<String>,
    ) -> Result<shared::figures::Scorecard, ApiError> {
        let min = self.0.config.min_ratings;
        self.run(auth, move |c, a| {
            crate::services::figures::scorecard(c, a, &staff_id, month.as_deref(), min)
        })
        .await
    }
    async fn public_figures(
        &self,
        code: String,
    ) -> Result<Option<shared::figures::PublicFigures>, ApiError> {
        self.0
            .public_figures
            .get(&self.0.db, &code)
            .await
            .map_err(|e| e.0)
    }
    async fn public_counter(
        &self,
        token: String,
    ) -> Result<shared::citizen::PublicCounter, ApiError> {
        if token.len() > shared::citizen::TOKEN_MAX {
            return Err(ApiError::new(ErrorCode::NotFound));
        }
        self.0
            .db
            .run(move |c| crate::services::ratings::public_counter(c, &token))
            .await
            .map_err(|e| e.0)
    }
    async fn redact_photo(
        &self,
        auth: &PageAuth,
        case_id: String,
        photo_id: String,
        request: shared::redaction::RedactionRequest,
    ) -> Result<shared::redaction::PhotoRedaction, ApiError> {
        let actor = self.actor(auth).await?;
        crate::services::redaction::redact(
            &self.0.db,
            &self.0.photo_store,
            actor,
            case_id,
            photo_id,
            request,
        )
        .await
        .map_err(|e| e.0)
    }
    async fn deadline_rules(
        &self,
        auth: &PageAuth,
    ) -> Result<shared::calendar::DeadlineRules, ApiError> {
        self.run(auth, crate::services::deadline_rules::get).await
    }
    async fn save_deadline_rules(
        &self,
        auth: &PageAuth,
        input: shared::calendar::DeadlineRules,
    ) -> Result<shared::calendar::DeadlineRules, ApiError> {
        let actor = self.actor(auth).await?;
        crate::api::save_deadline_rules(&self.0, actor, input)
            .await
            .map_err(|e| e.0)
    }
    async fn case_findings(
        &self,
        auth: &PageAuth,
        case_id: String,
    ) -> Result<shared::finding::CaseFindings, ApiError> {
        self.run(auth, move |c, a| {
            crate::services::findings::case_findings(c, a, &case_id)
        })
        .await
    }
    async fn record_finding(
        &self,
        auth: &PageAuth,
        case_id: String,
        input: shared::finding::NewFinding,
    ) -> Result<shared::finding::CaseFindings, ApiError> {
        self.run(auth, move |c, a| {
            crate::services::findings::record(c, a, &case_id, &input)
        })
        .await
    }
    async fn officer_record(
        &self,
        auth: &PageAuth,
        staff_id: String,
    ) -> Result<shared::finding::OfficerRecord, ApiError> {
        self.run(auth, move |c, a| {
            crate::services::findings::officer_record(c, a, &staff_id)
        })
        .await
    }
    async fn discipline_measures(
        &self,
        auth: &PageAuth,
    ) -> Result<shared::finding::DisciplineMeasures, ApiError> {
        self.run(auth, crate::services::findings::measures).await
    }
    async fn create_discipline_measure(
        &self,
        auth: &PageAuth,
        input: shared::finding::NewDisciplineMeasure,
    ) -> Result<shared::finding::DisciplineMeasure, ApiError> {
        self.run(auth, move |c, a| {
            crate::services::findings::create_measure(c, a, &input)
        })
        .await
    }
    async fn update_discipline_measure(
        &self,
        auth: &PageAuth,
        id: String,
        patch: shared::finding::DisciplineMeasurePatch,
    ) -> Result<shared::finding::DisciplineMeasure, ApiError> {
        self.run(auth, move |c, a| {
            crate::services::findings::update_measure(c, a, &id, &patch)
        })
        .await
    }
}
