//! The Minh Bạch web app. Every page renders completely on the server (forms post as plain
//! HTML and work before, or without, the WASM bundle) and is then hydrated in the browser.

// Deep view types (a whole form in one `view!`) need more than the default 128.
#![recursion_limit = "256"]

pub mod charts;
pub mod components;
pub mod error;
pub mod fns;
pub mod format;
pub mod pages;
#[cfg(feature = "hydrate")]
pub mod report_client;

#[cfg(feature = "ssr")]
pub mod backend;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};
use shared::Lang;

/// The stylesheet, served by the server at `/style.css`.
pub const STYLESHEET: &str = include_str!("../style/main.css");

/// The parts of the web app, each hydrated by its own WASM bundle: the counter page must load
/// fast on a cheap phone on a weak connection, so it carries neither the staff screens' code
/// nor the report form's (photo shrinking, upload progress, offline drafts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    Staff,
    /// A counter's page and the rating.
    Citizen,
    /// Reporting a problem and following it.
    Report,
}

impl Bundle {
    /// The base name of the bundle's files in `pkg/` (`NAME.js`, `NAME_bg.wasm`).
    pub fn output_name(self) -> &'static str {
        match self {
            Bundle::Staff => "minhbach_staff",
            Bundle::Citizen => "minhbach_citizen",
            Bundle::Report => "minhbach_report",
        }
    }
}

/// The Content Security Policy of every response. Scripts: the site's own files, WASM, and
/// on a page the inline hydration scripts Leptos writes, each carrying the page's `nonce`
/// (a fresh 128-bit value per response); no other inline script runs. Inline styles stay
/// allowed: the pages set `style` attributes (bar widths of the figures).
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let scripts = match nonce {
        Some(nonce) => format!("'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"),
        None => "'self' 'wasm-unsafe-eval'".to_string(),
    };
    format!(
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; \
         script-src {scripts}; connect-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// The HTML document around a page, rendered on the server only.
pub fn shell(options: LeptosOptions, lang: Lang, bundle: Bundle) -> impl IntoView {
    // This page's policy, with the nonce leptos_actix made for its inline scripts (the
    // server's default policy, for every other response, allows no inline script at all).
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_actix::ResponseOptions>(),
    ) {
        if let Ok(value) =
            actix_web::http::header::HeaderValue::from_str(&content_security_policy(Some(&nonce)))
        {
            response.insert_header(actix_web::http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
    let body = match bundle {
        Bundle::Staff => view! { <StaffApp /> }.into_any(),
        Bundle::Citizen => view! { <CitizenApp /> }.into_any(),
        Bundle::Report => view! { <ReportApp /> }.into_any(),
    };
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="stylesheet" href="/style.css" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>{body}</body>
        </html>
    }
}

/// The language of the page: chosen on the server from the `mb_lang` cookie and read back in
/// the browser from `<html lang>`, so both sides render the same words.
pub fn current_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<Lang>().unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"))
            .map(|l| Lang::parse(&l))
            .unwrap_or_default()
    }
}

fn title(lang: Lang) -> impl IntoView {
    view! {
        <Title text=lang.pick(
            "Minh Bạch — Phản ánh, đánh giá dịch vụ công",
            "Minh Bạch — Public service feedback",
        ) />
    }
}

/// The staff's pages: sign-in and the administration screens.
#[component]
pub fn StaffApp() -> impl IntoView {
    provide_meta_context();
    let lang = current_lang();
    provide_context(lang);
    use pages::*;
    view! {
        {title(lang)}
        <Router>
            <Routes fallback=|| view! { <NotFound /> }>
                <Route path=path!("/") view=Home />
                <Route path=path!("/login") view=login::LoginPage ssr=SsrMode::Async />
                <ParentRoute path=path!("/admin") view=layout::AdminLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=home::AdminHome />
                    <Route path=path!("units") view=units::UnitsPage />
                    <Route path=path!("units/:id") view=units::UnitPage />
                    <Route path=path!("counters") view=counters::CountersPage />
                    <Route path=path!("staff") view=staff::StaffPage />
                    <Route path=path!("staff/:id") view=staff::StaffMemberPage />
                    <Route path=path!("accounts") view=accounts::AccountsPage />
                    <Route path=path!("accounts/:id") view=accounts::AccountPage />
                    <Route path=path!("ratings") view=ratings::RatingsReviewPage />
                    <Route path=path!("cases") view=cases::CasesPage />
                    <Route path=path!("calendar") view=calendar::CalendarPage />
                    <Route path=path!("deadlines") view=deadlines::DeadlinesPage />
                    <Route path=path!("reception") view=reception::ReceptionHome />
                    <Route path=path!("reception/:id") view=reception::ReceptionSessionPage />
                    <Route path=path!("cases/:id") view=cases::CasePage />
                    <Route path=path!("import") view=import::ImportPage />
                    <Route path=path!("audit") view=audit::AuditLogPage />
                    <Route path=path!("oversight") view=oversight::OversightPage />
                    <Route path=path!("staff/:id/record") view=findings::OfficerRecordPage />
                    <Route path=path!("discipline") view=discipline::DisciplineMeasuresPage />
                    <Route path=path!("figures") view=figures::FiguresPage />
                    <Route path=path!("figures/officers/:id") view=figures::ScorecardPage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// The citizen's pages at a counter: its QR page and the rating.
#[component]
pub fn CitizenApp() -> impl IntoView {
    provide_meta_context();
    let lang = current_lang();
    provide_context(lang);
    use pages::*;
    view! {
        {title(lang)}
        <Router>
            <Routes fallback=|| view! { <NotFound /> }>
                <Route path=path!("/q/:token") view=citizen::CounterPage ssr=SsrMode::Async />
                <Route path=path!("/q/:token/thanks/:id") view=citizen::RatingThanksPage ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}

/// The citizen's reports: the report form and the tracking form.
#[component]
pub fn ReportApp() -> impl IntoView {
    provide_meta_context();
    let lang = current_lang();
    provide_context(lang);
    use pages::*;
    view! {
        {title(lang)}
        <Router>
            <Routes fallback=|| view! { <NotFound /> }>
                <Route path=path!("/report") view=report::ReportPage ssr=SsrMode::Async />
                <Route path=path!("/track") view=report::TrackPage />
                <Route path=path!("/cong-khai/:code") view=public::PublicUnitPage ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Each bundle is built with its own features (see .ci/build-site).
    #[cfg(feature = "staff-bundle")]
    leptos::mount::hydrate_body(StaffApp);
    #[cfg(feature = "report-bundle")]
    leptos::mount::hydrate_body(ReportApp);
    #[cfg(not(any(feature = "staff-bundle", feature = "report-bundle")))]
    leptos::mount::hydrate_body(CitizenApp);
    // Tells the browser tests (and anyone curious) that the page is now interactive.
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-hydrated", "1");
    }
}
