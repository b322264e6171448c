use shared::model::Health;
use shared::ErrorCode;
use std::collections::BTreeMap;
use tests::*;

#[tokio::test]
async fn healthz_answers_ok_without_signing_in() {
    let app = spawn_app().await;
    let health: Health = ok_json(app.get_anonymous("/healthz").await).await;
    assert_eq!(health.status, "ok");
}

#[tokio::test]
async fn readyz_answers_ready_when_the_database_answers() {
    let app = spawn_app().await;
    let health: Health = ok_json(app.get_anonymous("/readyz").await).await;
    assert_eq!(health.status, "ready");
}

/// Every route of `api::configure` (and the probes), with its methods; the OpenAPI document
/// must describe exactly these.
const ROUTES: &[(&str, &[&str])] = &[
    ("/api/v1/auth/login", &["post"]),
    ("/api/v1/auth/refresh", &["post"]),
    ("/api/v1/auth/logout", &["post"]),
    ("/api/v1/auth/me", &["get"]),
    ("/api/v1/units", &["get", "post"]),
    ("/api/v1/units/{id}", &["get", "patch"]),
    ("/api/v1/counters", &["get", "post"]),
    ("/api/v1/counters/{id}", &["get", "patch"]),
    ("/api/v1/counters/{id}/rotate-token", &["post"]),
    ("/api/v1/staff", &["get", "post"]),
    ("/api/v1/staff/{id}", &["get", "patch"]),
    ("/api/v1/staff/{id}/photo", &["get", "put"]),
    ("/api/v1/accounts", &["get", "post"]),
    ("/api/v1/accounts/{id}", &["get", "patch"]),
    ("/api/v1/ratings/flagged", &["get"]),
    ("/api/v1/ratings/review", &["post"]),
    ("/api/v1/import/units", &["post"]),
    ("/api/v1/import/staff", &["post"]),
    ("/healthz", &["get"]),
    ("/readyz", &["get"]),
    ("/api/v1/public/counters/{token}", &["get"]),
    ("/api/v1/ratings", &["post"]),
    ("/api/v1/ratings/{id}/detail", &["post"]),
    ("/api/v1/reports", &["post"]),
    ("/api/v1/reports/track", &["post"]),
    ("/api/v1/reports/track/add", &["post"]),
    ("/api/v1/reports/track/erase", &["post"]),
    ("/api/v1/reports/track/action", &["post"]),
    ("/api/v1/cases", &["get"]),
    ("/api/v1/reception/sessions", &["post"]),
    ("/api/v1/reception/sessions/{id}", &["get"]),
    ("/api/v1/reception/sessions/{id}/entries", &["post"]),
    ("/api/v1/reception/sessions/{id}/log.xlsx", &["get"]),
    ("/api/v1/calendar/{year}", &["get", "put"]),
    ("/api/v1/deadline-rules", &["get", "put"]),
    ("/api/v1/cases/{id}", &["get"]),
    ("/api/v1/cases/{id}/photos/{photo_id}", &["get"]),
    ("/api/v1/cases/{id}/photos/{photo_id}/redaction", &["put"]),
    ("/api/v1/cases/{id}/actions", &["post"]),
    ("/api/v1/counters/{id}/qr.svg", &["get"]),
    ("/api/v1/counters/{id}/qr.png", &["get"]),
    ("/api/v1/audit", &["get"]),
    ("/api/v1/cases/{id}/identity", &["post"]),
    ("/api/v1/oversight/patterns", &["get"]),
    ("/api/v1/cases/{id}/findings", &["get", "post"]),
    ("/api/v1/staff/{id}/record", &["get"]),
    ("/api/v1/discipline-measures", &["get", "post"]),
    ("/api/v1/discipline-measures/{id}", &["patch"]),
    ("/api/v1/figures", &["get"]),
    ("/api/v1/figures/officers/{staff_id}", &["get"]),
    ("/api/v1/public/units/{code}", &["get"]),
    ("/api/v1/figures/export", &["get"]),
    ("/api/v1/figures/officers/{staff_id}/export", &["get"]),
    ("/api/v1/exports/ratings", &["get"]),
];

#[tokio::test]
async fn openapi_document_describes_every_route() {
    let app = spawn_app().await;
    let doc: serde_json::Value = ok_json(app.get_anonymous("/api/v1/openapi.json").await).await;
    assert!(doc["openapi"].as_str().unwrap_or("").starts_with("3."));
    let paths = doc["paths"].as_object().expect("paths object");
    let described: BTreeMap<String, Vec<String>> = paths
        .iter()
        .map(|(path, item)| {
            let mut methods: Vec<String> = item
                .as_object()
                .expect("path item")
                .keys()
                .filter(|k| ["get", "post", "put", "patch", "delete"].contains(&k.as_str()))
                .cloned()
                .collect();
            methods.sort();
            (path.clone(), methods)
        })
        .collect();
    let expected: BTreeMap<String, Vec<String>> = ROUTES
        .iter()
        .map(|(p, m)| (p.to_string(), m.iter().map(|s| s.to_string()).collect()))
        .collect();
    assert_eq!(described, expected);
    // Signed-in routes say so; the public ones do not.
    let security = |path: &str, method: &str| !doc["paths"][path][method]["security"].is_null();
    assert!(security("/api/v1/units", "get"));
    assert!(security("/api/v1/staff/{id}/photo", "put"));
    assert!(security("/api/v1/ratings/flagged", "get"));
    assert!(security("/api/v1/ratings/review", "post"));
    assert!(security("/api/v1/cases/{id}/actions", "post"));
    assert!(security("/api/v1/cases/{id}/photos/{photo_id}", "get"));
    assert!(security(
        "/api/v1/cases/{id}/photos/{photo_id}/redaction",
        "put"
    ));
    assert!(!security("/api/v1/reports/track/action", "post"));
    assert!(security("/api/v1/figures", "get"));
    assert!(!security("/api/v1/public/units/{code}", "get"));
    assert!(doc["components"]["schemas"]["CaseDetail"].is_object());
    assert!(doc["components"]["schemas"]["DeadlineRules"].is_object());
    assert!(doc["components"]["schemas"]["FlaggedRating"].is_object());
    assert!(!security("/api/v1/auth/login", "post"));
    assert!(!security("/api/v1/staff/{id}/photo", "get"));
    assert!(doc["components"]["schemas"]["ApiError"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn an_unknown_api_path_is_a_json_not_found() {
    let app = spawn_app().await;
    let resp = app.get("/api/v1/no-such-thing", &app.admin_token).await;
    assert_api_error(resp, 404, ErrorCode::NotFound).await;
}

#[tokio::test]
async fn api_responses_carry_the_security_headers() {
    let app = spawn_app().await;
    let resp = app.get("/api/v1/auth/me", &app.admin_token).await;
    assert_eq!(resp.status(), 200);
    let h = resp.headers();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval';"),
        "no inline script may run on an API answer: {csp}"
    );
    assert!(h["permissions-policy"]
        .to_str()
        .unwrap()
        .contains("camera=()"));
    // On loopback (a developer's machine, the tests) no HSTS: it would pin HTTPS on localhost.
    assert!(!h.contains_key("strict-transport-security"));
    // The logs' id of this request, different on the next one.
    let id = h["x-request-id"].to_str().unwrap().to_string();
    assert!(id.len() >= 32, "{id}");
    let next = app.get("/api/v1/auth/me", &app.admin_token).await;
    assert_ne!(next.headers()["x-request-id"].to_str().unwrap(), id);
}

#[tokio::test]
async fn a_deployment_served_over_https_sends_hsts() {
    let app = tests::spawn_app_with(|c| c.secure_cookies = Some(true)).await;
    let resp = app.get("/healthz", "").await;
    assert_eq!(
        resp.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
}

/// A page's own policy: its inline (hydration) scripts run because each carries the nonce the
/// policy names, fresh on every response; nothing else inline does.
#[tokio::test]
async fn pages_allow_only_their_own_nonced_inline_scripts() {
    let app = spawn_app().await;
    let mut nonces = Vec::new();
    for _ in 0..2 {
        let resp = app.get_anonymous("/login").await;
        assert_eq!(resp.status(), 200);
        let csp = resp.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(!csp.contains("unsafe-inline'; connect"), "{csp}");
        let script_src = csp
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("script-src"))
            .unwrap()
            .to_string();
        assert!(!script_src.contains("unsafe-inline"), "{script_src}");
        let nonce = script_src
            .split_whitespace()
            .find_map(|t| t.strip_prefix("'nonce-")?.strip_suffix('\''))
            .unwrap_or_else(|| panic!("no nonce in {script_src}"))
            .to_string();
        assert!(nonce.len() >= 22, "128 bits: {nonce}");
        let html = resp.text().await.unwrap();
        let scripts = html.matches("<script").count();
        assert!(scripts >= 1, "the page hydrates with an inline script");
        assert_eq!(
            html.matches(&format!("nonce=\"{nonce}\"")).count(),
            scripts,
            "every inline script carries the page's nonce"
        );
        nonces.push(nonce);
    }
    assert_ne!(nonces[0], nonces[1], "a nonce is used once");
}
