//! Server functions: what the pages read and the forms send. On the server each one calls the
//! `Backend`; in the browser each is a fetch to `/fn/...`. Form fields arrive as strings
//! (a plain HTML form has no other type) and are turned into the API's types here.

use crate::error::FnError;
// Reads with a structured query travel as JSON: serde_qs drops a struct whose fields are
// all `None`, and the server would then refuse the call for a missing argument.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use shared::model::*;

#[cfg(feature = "ssr")]
mod ssr {
    use crate::backend::{PageAuth, SharedBackend, SESSION_COOKIE};
    use crate::error::{encode_for_url, FnError};
    use leptos::prelude::*;
    use shared::ApiError;

    pub fn backend() -> Result<(SharedBackend, PageAuth), FnError> {
        let backend = use_context::<SharedBackend>()
            .ok_or_else(|| FnError(ApiError::new(shared::ErrorCode::Internal)))?;
        let req = use_context::<leptos_actix::Request>();
        let session = req
            .as_ref()
            .and_then(|req| req.cookie(SESSION_COOKIE).map(|c| c.value().to_string()));
        let address = req.as_ref().and_then(|req| {
            use actix_web::HttpMessage;
            req.extensions()
                .get::<crate::backend::ClientAddress>()
                .map(|a| a.0.clone())
        });
        Ok((backend, PageAuth { session, address }))
    }

    fn plain_form_referer() -> Option<String> {
        let req = use_context::<leptos_actix::Request>()?;
        let accepts_html = req
            .headers()
            .get("accept")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
        if !accepts_html {
            return None;
        }
        let referer = req.headers().get("referer")?.to_str().ok()?.to_string();
        // Keep only the path and the query of our own page, minus earlier outcomes.
        let path_and_query = match referer.split_once("://") {
            Some((_, rest)) => rest
                .find('/')
                .map(|i| rest[i..].to_string())
                .unwrap_or_else(|| "/".into()),
            None => referer,
        };
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((&path_and_query, ""));
        let kept: Vec<&str> = query
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("err=") && !p.starts_with("ok="))
            .collect();
        Some(if kept.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{}", kept.join("&"))
        })
    }

    fn with_param(url: &str, param: &str) -> String {
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}{param}")
    }

    /// A refused form: with JavaScript off, go back to the form with the error in the URL
    /// (the page renders it); with the WASM app, the error is the action's value.
    pub fn refuse(err: ApiError) -> FnError {
        if let Some(back) = plain_form_referer() {
            leptos_actix::redirect(&with_param(&back, &format!("err={}", encode_for_url(&err))));
        }
        FnError(err)
    }

    /// A saved form: go to `target` (or back to the form) with `ok=saved`, so the page says so.
    pub fn saved(target: Option<String>) {
        let dest = target.or_else(plain_form_referer);
        if let Some(dest) = dest {
            leptos_actix::redirect(&with_param(&dest, "ok=saved"));
        }
    }
}

#[cfg_attr(not(feature = "ssr"), allow(dead_code))]
fn opt(s: String) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

#[cfg_attr(not(feature = "ssr"), allow(dead_code))]
fn parse_u8(field: &str, s: &str) -> Result<Option<u8>, FnError> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    s.trim().parse::<u8>().map(Some).map_err(|_| {
        FnError(shared::ApiError::field(
            field,
            shared::FieldCode::InvalidFormat,
            "Giá trị phải là một số.",
            "The value must be a number.",
        ))
    })
}

#[server(prefix = "/fn", endpoint = "me")]
pub async fn current_user() -> Result<Option<Me>, FnError> {
    let (b, auth) = ssr::backend()?;
    b.me(&auth).await.map_err(FnError)
}

#[server(prefix = "/fn", endpoint = "units", input = Json)]
pub async fn list_units(q: ListQuery) -> Result<Page<Unit>, FnError> {
    let (b, auth) = ssr::backend()?;
    b.units(&auth, q).await.map_err(FnError)
}

#[server(prefix = "/fn", endpoint = "unit")]
pub async fn get_unit(id: String) -> Result<Unit, FnError> {
    let (b, auth) = ssr::backend()?;
    b.unit(&auth, id).await.map_err(FnError)
}

#[allow(clippy::too_many_arguments)]
#[server(prefix = "/fn", endpoint = "unit-create")]
pub async fn create_unit(
    parent_id: String,
    kind: String,
    code: String,
    name: String,
    address: String,
    reception_weekday: String,
    reception_start: String,
    reception_end: String,
    #[server(default)] remote_area: Option<String>,
) -> Result<Unit, FnError> {
    let (b, auth) = ssr::backend()?;
    let input = NewUnit {
        parent_id: opt(parent_id),
        kind: UnitKind::parse(&kind).ok_or_else(|| {
            ssr::refuse(shared::ApiError::field(
                "kind",
                shared::FieldCode::InvalidValue,
                "Vui lòng chọn loại đơn vị.",
                "Please choose the kind of unit.",
            ))
        })?,
        code,
        name,
        address: Some(address),
        reception_weekday: parse_u8("reception_weekday", &reception_weekday)
            .map_err(|e| ssr::refuse(e.0))?,
        reception_start: opt(reception_start),
        reception_end: opt(reception_end),
        remote_area: remote_area.map(|r| r == "true"),
    };
    match b.create_unit(&auth, input).await {
        Ok(u) => {
            ssr::saved(Some(format!("/admin/units/{}", u.id)));
            Ok(u)
        }
        Err(e) => Err(ssr::refuse(e)),
    }
}

#[allow(clippy::too_many_arguments)]
#[server(prefix = "/fn", endpoint = "unit-update")]
pub async fn update_unit(
    id: String,
    code: String,
    name: String,
    address: String,
    reception_weekday: String,
    reception_start: String,
    reception_end: String,
    #[server(default)] parent_id: Option<String>,
    // Absent when the form does not offer it (a unit's own administrator).
    #[server(default)] remote_area: Option<String>,
) -> Result<Unit, FnError> {
    let (b, auth) = ssr::backend()?;
    let patch = UnitPatch {
        parent_id: parent_id.and_then(opt),
        code: Some(code),
        name: Some(name),
        address: Some(address),
        reception_weekday: parse_u8("reception_weekday", &reception_weekday)
            .map_err(|e| ssr::refuse(e.0))?,
        reception_start: opt(reception_start),
        reception_end: opt(reception_end),
        active: None,
        remote_area: remote_area.map(|r| r == "true"),
    };
    match b.update_unit(&auth, id, patch).await {
        Ok(u) => {
            ssr::saved(None);
            Ok(u)
        }
        Err(e) => Err(ssr::refuse(e)),
    }
}

#[server(prefix = "/fn", endpoint = "unit-active")]
pub async fn set_unit_active(id: String, active: String) -> Result<Unit, FnError> {
    let (b, auth) = ssr::backend()?;
    let patch = UnitPatch {
        active: Some(active == "true"),
        ..Default::default()
    };
    match b.update_unit(&auth, id, patch).await {
        Ok(u) => {
            ssr::saved(None);
            Ok(u)
        }
        Err(e) => Err(ssr::refuse(e)),
    }
}

#[server(prefix = "/fn", endpoint = "counters", input = Json)]
pub async fn list_counters(q: ListQuery) -> Result<Page<Counter>, FnError> {
    let (b, auth) = ssr::backend()?;
    b.counters(&auth, q).await.map_err(FnError)
}

#[server(prefix = "/fn", endpoint = "counter-create")]
pub async fn create_counter(unit_id: String, name: String) -> Result<Counter, FnError> {
    let (b, auth) = ssr::backend()?;
    match b.create_counter(&auth, NewCounter { unit_id, name }).await {
        Ok(c) => {
            ssr::saved(None);
            Ok(c)
        }
        Err(e) => Err(ssr::refuse(e)),
    }
}

#[server(prefix = "/fn", endpoint = "counter-update")]
pub async fn update_counter(
    id: String,
    #[server(default)] name: Option<String>,
    #[server(default)] active: Option<String>,
) -> Result<Counter, FnError> {
    let (b, auth) = ssr::backend()?;
    let patch = CounterPatch {
        name: name.and_then(opt),
        active: active.map(|a| a == "true"),
    };
    match b.update_counter(&auth, id, patch).await {
        Ok(c) => {
            ssr::saved(None);
            Ok(c)
        }
        Err(e) => Err(ssr::refuse(e)),
    }
}

#[server(prefix = "/fn", endpoint = "counter-rotate")]
pub async fn rotate_counter_token(id: String) -> Result<Counter, FnError> {
    let (b, auth) = ssr::backend()?;
    match b.rotate_counter_token(&auth, id).await {
        Ok(c) => {
            ssr::saved(None);
            Ok(c)
        }
        Err(e) => Err(ssr::refuse(e)),
    }
}

#[server(prefix = "/fn", endpoint = "staff", input = Json)]
pub async fn list_staff(q: ListQuery) -> Result<Page<Staff>, FnError> {
    let (b, auth) = ssr::backend()?;
    b.staff_list(&auth, q).await.map_err(FnError)
}

#[server(prefix = "/fn", endpoint = "staff-one")]
pub async fn get_staff(id: String) -> Result<Staff, FnError> {
    let (b, auth) = ssr::backend()?;
    b.staff(&auth, id).await.map_err(FnError)
}

#[server(prefix = "/fn", endpoint = "staff-create")]
pub async fn create_staff(
    unit_id: String,
    full_name: String,
    title: String,
    badge_number: String,
    #[server(default)] counter_id: Option<String>,
) -> Result<Staff, FnError> {
    let (b, auth) = ssr::backend()?;
    let input = NewStaff {
        unit_id,
        full_name,
        title,
        badge_number,
        counter_id: counter_id.and_then(opt),
    };
    match b.create_staff(&auth, input).await {
        Ok(s) => {
            ssr::saved(None);
            Ok(s)
        }
        Err(e) => Err(ssr::refuse(e)),
    }
}

#[allow(clippy::too_many_arguments)]
#[server(prefix = "/fn", endpoint = "staff-update")]
pub async fn update_staff(
    id: String,
    #[server(default)] full_name: Option<String>,
    #[server(default)] title: Option<String>,
    #[server(default)] badge_number: Option<String>,
    #[server(default)] counter_id: Option<String>,
    #[server(default)] active: Option<String>,
) -> Result<Staff, FnError> {
    let (b, auth) = ssr::backend()?;
    let patch = StaffPatch {
        unit_id: None,
        full_name,
        title,
        badge_number,
        // The form's select posts "" for "no counter".
        counter_id: counter_id.map(opt),
        active: active.map(|a| a == "true"),
    };
    match b.update_staff(&auth, id, patch).await {
        Ok(s) => {
            ssr::saved(None);
            Ok(s)
        }
        Err(e) => Err(ssr::refuse(e)),
    }
}

#[server(prefix = "/fn", endpoint = "accounts", input = Json)]
pub async fn list_accounts(q: ListQuery) -> Result<Page<Account>, FnError> {
    let (b, auth) = ssr::backend()?;
    b.accounts(&auth, q).await.map_err(FnError)
}

#[server(prefix = "/fn", endpoint = "account")]
pub async fn get_account(id: String) -> Result<Account, FnError> {
    let (b, auth) = ssr::backend()?;
    b.account(&auth, id).await.map_err(FnError)
}

#[server(prefix = "/fn", endpoint = "account-create")]
pub async fn create_account(
    username: String,
    password: String,
    full_name: String,
    role: String,
    #[server(default)] unit_id: Option<String>,
    #[server(default)] phone: Option<String>,
    #[server(default)] email: Option<String>,
) -> Result<Account, FnError> {
    let (b, auth) = ssr::backend()?;
    let role = Role::parse(&role).ok_or_else(|| {
        ssr::refuse(shared::ApiError::field(
            "role",
            shared::FieldCode::InvalidValue,
            "Vui lòng chọn vai trò.",
            "Please choose a role.",
        ))
    })?;
    let input = NewAccount {
        username,
        password,
        full_name,
        role,
        unit_id: unit_id.and_then(opt),
        phone: phone.and_then(opt),
        email: email.and_then(opt),
        staff_id: None,
    };
    match b.create_account(&auth, input).await {
        Ok(a) => {
            ssr::saved(None);
            Ok(a)
        }
        Err(e) => Err(ssr::refuse(e)),
    }
}

#[allow(clippy::too_many_arguments)]
#[server(prefix = "/fn", endpoint = "account-update")]
pub async fn update_account(
    id: String,
    #[server(default)] full_name: Option<String>,
    #[server(default)] role: Option<String>,
    #[server(default)] unit_id: Option<String>,
    #[server(default)] active: Option<String>,
    #[server(default)] password: Option<String>,
    #[server(default)] phone: Option<String>,
    #[server(default)] email: Option<String>,
    #[server(default)] staff_id: Option<String>,
) -> Result<Account, FnError> {
    let (b, auth) = ssr::backend()?;
    let patch = AccountPatch {
        full_name: full_name.and_then(opt),
        role: role.as_deref().and_then(Role::parse),
        unit_id: unit_id.and_then(opt),
        active: active.map(|a| a == "true"),
        password: password.filter(|p| !p.is_empty()),
        // The edit form always sends both: an emptied field removes the contact.
        phone: phone.map(opt),
        email: email.map(opt),
        // The edit form sends it too: "none" unlinks. The enable/disable form does not.
        staff_id: staff_id.map(opt),
    };
    match b.update_account(&auth, id, patch).await {
        Ok(a) => {
            ssr::saved(None);
            Ok(a)
        }
        Err(e) => Err(ssr::refuse(e)),
    }
}

#[server(prefix = "/fn", endpoint = "ratings-flagged", input = Json)]
pub async fn list_flagged_ratings(
    q: shared::review::FlaggedQuery,
) -> Result<Page<shared::review::FlaggedRating>, FnError> {
    let (b, auth) = ssr::backend()?;
    b.flagged_ratings(&auth, q).await.map_err(FnError)
}

/// Counts or rejects flagged ratings: a row's own buttons send one id, the batch form every
/// checked box (`rating_ids[]`); the button pressed says which outcome.
#[server(prefix = "/fn", endpoint = "ratings-review")]
pub async fn review_ratings(
    outcome: String,
    #[server(default)] rating_ids: Vec<String>,
    #[server(default)] note: Option<String>,
) -> Result<shared::review::ReviewReceipt, FnError> {
    use shared::review::{ReviewOutcome, ReviewRequest};
    let (b, auth) = ssr::backend()?;
    let outcome = ReviewOutcome::parse(&outcome).ok_or_else(|| {
        ssr::refuse(shared::ApiError::field(
            "outcome",
            shared::FieldCode::InvalidValue,
            "Vui lòng chọn \"Tính vào số liệu\" hoặc \"Loại bỏ\".",
            "Please choose \"Count\" or \"Reject\".",
        ))
    })?;
    let input = ReviewRequest {
        rating_ids,
        outcome,
        note: note.and_then(opt),
    };
    match b.review_ratings(&auth, input).await {
        Ok(r) => {
            ssr::saved(None);
            Ok(r)
        }
        Err(e) => Err(ssr::refuse(e)),
    }
}

/// What the counter page needs: the counter, and a fresh key that makes the rating form's
/// submission idempotent (a resent form is stored once).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CounterPageData {
    pub counter: shared::citizen::PublicCounter,
    pub submission_key: String,
}

#[server(prefix = "/fn", endpoint = "counter-page")]
pub async fn counter_page(token: String) -> Result<CounterPageData, FnError> {
    let (b, _) = ssr::backend()?;
    let counter = b.public_counter(token).await.map_err(FnError)?;
    Ok(CounterPageData {
        counter,
        submission_key: uuid::Uuid::new_v4().simple().to_string(),
    })
}

#[server(prefix = "/fn", endpoint = "cases", input = Json)]
pub async fn list_cases(q: shared::case::CaseQuery) -> Result<shared::case::CasePage, FnError> {
    let (b, auth) = ssr::backend()?;
    b.cases(&auth, q).await.map_err(FnError)
}

#[server(prefix = "/fn", endpoint = "audit", input = Json)]
pub async fn list_audit(q: shared::audit::AuditQuery) -> Result<shared::audit::AuditPage, FnError> {
    let (b, auth) = ssr::backend()?;
    b.audit(&auth, q).await.map_err(FnError)
}

#[server(prefix = "/fn", endpoint = "case")]
pub async fn get_case(id: String) -> Result<shared::case::CaseDetail, FnError> {
    let (b, auth) = ssr::backend()?;
    b.case(&auth, id).await.map_err(FnError)
}

/// The counters and the staff of the reader's units (or of one unit), as the choices of the
/// inbox's two filters. One server function for both: the page's resource awaits one call.
#[server(prefix = "/fn", endpoint = "case-filter-choices")]
pub async fn case_filter_choices(
    unit_id: Option<String>,
) -> Result<(Vec<shared::case::Choice>, Vec<shared::case::Choice>), FnError> {
    use shared::case::Choice;
    let (b, auth) = ssr::backend()?;
    let q = ListQuery {
        unit_id,
        per_page: Some(ListQuery::MAX_PER_PAGE),
        ..Default::default()
    };
    let counters = b.counters(&auth, q.clone()).await.map_err(FnError)?;
    let staff = b.staff_list(&auth, q).await.map_err(FnError)?;
    Ok((
        counters
            .items
            .into_iter()
            .map(|c| Choice {
                id: c.id,
                name: c.name,
            })
            .collect(),
        staff
            .items
            .into_iter()
            .map(|s| Choice {
                id: s.id,
                name: s.full_name,
            })
            .collect(),
    ))
}

/// The committee's patterns of a period (its workspace).
#[server(prefix = "/fn", endpoint = "oversight-patterns", input = Json)]
pub async fn oversight_patterns(
    q: shared::oversight::PatternQuery,
) -> Result<shared::oversight::Patterns, FnError> {
    let (b, auth) = ssr::backend()?;
    b.oversight_patterns(&auth, q).await.map_err(FnError)
}

/// A committee member reveals the reporter of a case, writing why; the case page then shows
/// the identity to them (and the reveal to the rest of the committee).
#[server(prefix = "/fn", endpoint = "case-identity")]
pub async fn reveal_identity(
    id: String,
    #[server(default)] reason: String,
) -> Result<shared::case::RevealedIdentity, FnError> {
    let (b, auth) = ssr::backend()?;
    b.reveal_identity(&auth, id, reason).await.map_err(FnError)
}

/// One action on a case from its page: the button's `action` names it, the other fields are
/// its data (a reason, a text, the officer, the unit, the decision number).
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/fn", endpoint = "case-action")]
pub async fn case_action(
    id: String,
    action: String,
    #[server(default)] reason: String,
    #[server(default)] text: String,
    #[server(default)] officer_id: String,
    #[server(default)] to_unit_id: String,
    #[server(default)] decision_no: String,
) -> Result<shared::case::CaseDetail, FnError> {
    use shared::workflow::{Action, ActionKind as K};
    let (b, auth) = ssr::backend()?;
    let action = match K::parse(&action) {
        Some(K::Accept) => Action::Accept,
        Some(K::Decline) => Action::Decline { reason },
        Some(K::Forward) => Action::Forward { to_unit_id, reason },
        Some(K::Assign) => Action::Assign { officer_id },
        Some(K::Start) => Action::Start,
        Some(K::ReplyPublic) => Action::ReplyPublic { text },
        Some(K::NoteInternal) => Action::NoteInternal { text },
        Some(K::Answer) => Action::Answer { text },
        Some(K::Extend) => Action::Extend {
            reason,
            decision_no: opt(decision_no),
        },
        Some(K::DeclareComplex) => Action::DeclareComplex {
            reason,
            decision_no: opt(decision_no),
        },
        Some(K::Close) => Action::Close,
        Some(K::Escalate) => Action::Escalate { reason },
        _ => {
            return Err(ssr::refuse(shared::ApiError::field(
                "action",
                shared::FieldCode::InvalidValue,
                "Thao tác không hợp lệ.",
                "Unknown action.",
            )))
        }
    };
    match b.case_action(&auth, id, action).await {
        Ok(detail) => {
            ssr::saved(None);
            Ok(detail)
        }
        Err(e) => Err(ssr::refuse(e)),
    }
}

/// The case page's redaction form for one photo: its rows as typed (percentages of the photo;
/// a blank or dropped row is no region), which replace the photo's redaction.
#[server(prefix = "/fn", endpoint = "photo-redaction")]
pub async fn redact_photo(
    id: String,
    photo_id: String,
    #[server(default)] regions: Vec<shared::redaction::RegionForm>,
) -> Result<shared::redaction::PhotoRedaction, FnError> {
    let (b, auth) = ssr::backend()?;
    let request = shared::redaction::request_from_form(&regions).map_err(ssr::refuse)?;
    match b.redact_photo(&auth, id, photo_id, request).await {
        Ok(redaction) => {
            ssr::saved(None);
            Ok(redaction)
        }
        Err(e) => Err(ssr::refuse(e)),
    }
}

#[server(prefix = "/fn", endpoint = "calendar-year")]
pub async fn get_calendar_year(year: i32) -> Result<shared::calendar::CalendarYear, FnError> {
    let (b, auth) = ssr::backend()?;
    b.calendar_year(&auth, year).await.map_err(FnError)
}

/// The calendar page's form: the days off and the make-up days as lines "dd/mm/yyyy Tên".
#[server(prefix = "/fn", endpoint = "calendar-save")]
pub async fn save_calendar_year(
    year: i32,
    #[server(default)] days_off: String,
    #[server(default)] make_up_days: String,
    #[server(default)] source: String,
    #[server(default)] provisional: Option<String>,
) -> Result<shared::calendar::CalendarYear, FnError> {
    let (b, auth) = ssr::backend()?;
    let input = shared::calendar::CalendarYear::from_lines(
        year,
        &days_off,
        &make_up_days,
        &source,
        provisional.is_some(),
    )
    .map_err(ssr::refuse)?;
    match b.save_calendar_year(&auth, input).await {
        Ok(saved) => {
            ssr::saved(None);
            Ok(saved)
        }
        Err(e) => Err(ssr::refuse(e)),
    }
}

#[server(prefix = "/fn", endpoint = "deadline-rules")]
pub async fn get_deadline_rules() -> Result<shared::calendar::DeadlineRules, FnError> {
    let (b, auth) = ssr::backend()?;
    b.deadline_rules(&auth).await.map_err(FnError)
}

/// The deadline settings page's form: `rules[{setting}_days]`, `rules[{setting}_count]` for
/// each period and `rules[{setting}]` for each number (see `shared::deadline_settings`). What
/// the form leaves out keeps its stored value.
#[server(prefix = "/fn", endpoint = "deadline-rules-save")]
pub async fn save_deadline_rules(
    #[server(default)] rules: std::collections::BTreeMap<String, String>,
) -> Result<shared::calendar::DeadlineRules, FnError> {
    let (b, auth) = ssr::backend()?;
    let stored = b.deadline_rules(&auth).await.map_err(ssr::refuse)?;
    let input = shared::calendar::DeadlineRules::from_form(&stored, &rules).map_err(ssr::refuse)?;
    match b.save_deadline_rules(&auth, input).await {
        Ok(saved) => {
            ssr::saved(None);
            Ok(saved)
        }
        Err(e) => Err(ssr::refuse(e)),
    }
}

/// "Mở phiên tiếp công dân tuần này": opens (or finds) the session and goes to its page.
#[server(prefix = "/fn", endpoint = "reception-open")]
pub async fn open_reception() -> Result<shared::reception::ReceptionSession, FnError> {
    let (b, auth) = ssr::backend()?;
    match b.open_reception(&auth).await {
        Ok(s) => {
            ssr::saved(Some(format!("/admin/reception/{}", s.id)));
            Ok(s)
        }
        Err(e) => Err(ssr::refuse(e)),
    }
}

#[server(prefix = "/fn", endpoint = "reception")]
pub async fn get_reception(id: String) -> Result<shared::reception::ReceptionSession, FnError> {
    let (b, auth) = ssr::backend()?;
    b.reception(&auth, id).await.map_err(FnError)
}

/// A meeting recorded from the session page, with the reception log's fields.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/fn", endpoint = "reception-record")]
pub async fn record_reception(
    session_id: String,
    #[server(default)] report_id: String,
    #[server(default)] citizen_name: String,
    #[server(default)] citizen_address: String,
    #[server(default)] matter: String,
    #[server(default)] earlier_handling: String,
    #[server(default)] request: String,
    #[server(default)] action_taken: String,
    #[server(default)] outcome: String,
    #[server(default)] follow_up: String,
    #[server(default)] public: Option<String>,
) -> Result<shared::reception::ReceptionSession, FnError> {
    let (b, auth) = ssr::backend()?;
    let input = shared::reception::NewReceptionEntry {
        report_id: opt(report_id),
        citizen_name,
        citizen_address,
        matter,
        earlier_handling,
        request,
        action_taken,
        outcome,
        follow_up,
        public: public.is_some(),
    };
    match b.record_reception(&auth, session_id, input).await {
        Ok(s) => {
            ssr::saved(None);
            Ok(s)
        }
        Err(e) => Err(ssr::refuse(e)),
    }
}

#[server(prefix = "/fn", endpoint = "case-findings")]
pub async fn get_case_findings(id: String) -> Result<shared::finding::CaseFindings, FnError> {
    let (b, auth) = ssr::backend()?;
    b.case_findings(&auth, id).await.map_err(FnError)
}

/// A finding from the case page: the new finding's form (its officer select sends "" for "no
/// officer in particular"), or the revision form under a current finding, which sends
/// `revises` and no officer. Empty selects and texts are "none".
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/fn", endpoint = "finding-record")]
pub async fn record_finding(
    id: String,
    #[server(default)] staff_id: Option<String>,
    #[server(default)] conclusion: String,
    #[server(default)] discipline_id: String,
    #[server(default)] referral_to: String,
    #[server(default)] referral_text: String,
    #[server(default)] note: String,
    #[server(default)] revises: String,
) -> Result<shared::finding::CaseFindings, FnError> {
    use shared::finding::{Conclusion, NewFinding, ReferralTarget};
    let (b, auth) = ssr::backend()?;
    let unknown = |field: &str| {
        ssr::refuse(shared::ApiError::field(
            field,
            shared::FieldCode::InvalidValue,
            "Lựa chọn không hợp lệ.",
            "Not one of the choices.",
        ))
    };
    let conclusion = match opt(conclusion) {
        None => None,
        Some(c) => Some(Conclusion::parse(&c).ok_or_else(|| unknown("conclusion"))?),
    };
    let referral_to = match opt(referral_to) {
        None => None,
        Some(r) => Some(ReferralTarget::parse(&r).ok_or_else(|| unknown("referral_to"))?),
    };
    let input = NewFinding {
        staff_id: staff_id.map(opt),
        conclusion,
        discipline_id: opt(discipline_id),
        referral_to,
        referral_text: opt(referral_text),
        note,
        revises: opt(revises),
    };
    match b.record_finding(&auth, id, input).await {
        Ok(findings) => {
            ssr::saved(None);
            Ok(findings)
        }
        Err(e) => Err(ssr::refuse(e)),
    }
}

#[server(prefix = "/fn", endpoint = "officer-record")]
pub async fn get_officer_record(id: String) -> Result<shared::finding::OfficerRecord, FnError> {
    let (b, auth) = ssr::backend()?;
    b.officer_record(&auth, id).await.map_err(FnError)
}

#[server(prefix = "/fn", endpoint = "discipline-measures")]
pub async fn list_discipline_measures() -> Result<shared::finding::DisciplineMeasures, FnError> {
    let (b, auth) = ssr::backend()?;
    b.discipline_measures(&auth).await.map_err(FnError)
}

#[server(prefix = "/fn", endpoint = "discipline-measure-create")]
pub async fn create_discipline_measure(
    #[server(default)] name_vi: String,
    #[server(default)] name_en: String,
) -> Result<shared::finding::DisciplineMeasure, FnError> {
    let (b, auth) = ssr::backend()?;
    let input = shared::finding::NewDisciplineMeasure { name_vi, name_en };
    match b.create_discipline_measure(&auth, input).await {
        Ok(m) => {
            ssr::saved(None);
            Ok(m)
        }
        Err(e) => Err(ssr::refuse(e)),
    }
}

/// A change from the discipline list page: the rename form sends both names, the move
/// buttons a `position`, the retire and restore buttons `active`.
#[server(prefix = "/fn", endpoint = "discipline-measure-update")]
pub async fn update_discipline_measure(
    id: String,
    #[server(default)] name_vi: Option<String>,
    #[server(default)] name_en: Option<String>,
    #[server(default)] position: Option<String>,
    #[server(default)] active: Option<String>,
) -> Result<shared::finding::DisciplineMeasure, FnError> {
    let (b, auth) = ssr::backend()?;
    let position = match position.and_then(opt) {
        None => None,
        Some(p) => Some(p.parse::<u32>().map_err(|_| {
            ssr::refuse(shared::ApiError::field(
                "position",
                shared::FieldCode::InvalidFormat,
                "Vị trí phải là một số.",
                "The place must be a number.",
            ))
        })?),
    };
    let patch = shared::finding::DisciplineMeasurePatch {
        name_vi,
        name_en,
        position,
        active: active.map(|a| a == "true"),
    };
    match b.update_discipline_measure(&auth, id, patch).await {
        Ok(m) => {
            ssr::saved(None);
            Ok(m)
        }
        Err(e) => Err(ssr::refuse(e)),
    }
}

/// A unit's dashboard for a period (its figures).
#[server(prefix = "/fn", endpoint = "figures", input = Json)]
pub async fn figures(
    q: shared::figures::FiguresQuery,
) -> Result<shared::figures::Dashboard, FnError> {
    let (b, auth) = ssr::backend()?;
    b.figures(&auth, q).await.map_err(FnError)
}

/// An officer's scorecard for a month (`YYYY-MM`; the current month by default).
#[server(prefix = "/fn", endpoint = "officer-scorecard")]
pub async fn officer_scorecard(
    staff_id: String,
    #[server(default)] month: Option<String>,
) -> Result<shared::figures::Scorecard, FnError> {
    let (b, auth) = ssr::backend()?;
    b.scorecard(&auth, staff_id, month).await.map_err(FnError)
}

/// What a unit publishes (no sign-in), from the server's memory.
#[server(prefix = "/fn", endpoint = "public-figures")]
pub async fn public_figures(
    code: String,
) -> Result<Option<shared::figures::PublicFigures>, FnError> {
    let (b, _) = ssr::backend()?;
    b.public_figures(code).await.map_err(FnError)
}
