//! The plain form posts (`application/x-www-form-urlencoded`, read with serde_urlencoded as
//! actix-web's `web::Form` does): the first byte picks the form, the rest is the body, turned
//! into the API's request and validated as the server does. Also the text parsers behind the
//! staff pages' forms (the redaction rows, the calendar's text boxes, the deadline settings).
//! Nothing may panic; `next` after sign-in must stay on this site.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shared::forms::{local_path, CitizenActionForm, ErasureForm, LoginForm, RateForm, TrackForm};
use std::collections::BTreeMap;

fn form<T: serde::de::DeserializeOwned>(body: &[u8]) -> Option<T> {
    serde_urlencoded::from_bytes(body).ok()
}

/// `Location: <path>` as a browser follows it: the WHATWG URL parser drops every tab and line
/// break first, then `//host` and `/\host` lead to another site.
fn assert_stays_on_site(path: &str) {
    let seen: String = path
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    assert!(
        seen.starts_with('/') && !seen.starts_with("//") && !seen.starts_with("/\\"),
        "{path:?} leaves the site (a browser reads {seen:?})"
    );
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    match which % 8 {
        0 => {
            if let Some(f) = form::<LoginForm>(body) {
                let next = local_path(&f.next, "/admin");
                assert_stays_on_site(&next);
                let _ = shared::validate::login(&f.request());
            }
        }
        1 => {
            if let Some(f) = form::<TrackForm>(body) {
                let _ = shared::report::normalise_code(&f.tracking_code);
                if let Some(secret) = f.secret() {
                    assert!(!secret.trim().is_empty());
                    let _ = shared::report::normalise_code(secret);
                }
            }
        }
        2 => {
            let _ = form::<ErasureForm>(body);
        }
        3 => {
            if let Some(f) = form::<CitizenActionForm>(body) {
                if let Some(action) = f.action() {
                    assert!(shared::case::CITIZEN_PAGE_ACTIONS.contains(&action.kind()));
                    for &status in shared::workflow::ReportStatus::ALL {
                        let facts = shared::workflow::CaseFacts::new(
                            shared::report::ReportKind::Complaint,
                            false,
                        );
                        let _ = shared::workflow::transition(
                            status,
                            &action,
                            shared::workflow::Actor::Citizen,
                            &facts,
                        );
                    }
                }
            }
        }
        4 => {
            if let Some(f) = form::<RateForm>(body) {
                if let Ok(rating) = f.rating("counter-token-123".into()) {
                    let _ = shared::citizen::new_rating(&rating);
                }
            }
        }
        5 => {
            // The detail after a rating: any fields, as `web::Form<Vec<(String, String)>>`.
            if let Some(fields) = form::<Vec<(String, String)>>(body) {
                let detail = shared::forms::rating_detail_from_form(&fields);
                let _ = shared::citizen::rating_detail(&detail);
                // The language switch's `?next=` goes through the same check.
                for (k, v) in &fields {
                    if k == "next" {
                        assert_stays_on_site(&local_path(v, "/"));
                    }
                }
            }
        }
        6 => {
            // The case page's redaction rows (percentages); a repeated name starts a new row.
            if let Some(fields) = form::<Vec<(String, String)>>(body) {
                let mut rows = vec![shared::redaction::RegionForm::default()];
                for (k, v) in fields {
                    let row = rows.last_mut().expect("one row");
                    let slot = match k.as_str() {
                        "x" => &mut row.x,
                        "y" => &mut row.y,
                        "w" => &mut row.w,
                        "h" => &mut row.h,
                        "mode" => &mut row.mode,
                        "drop" => &mut row.drop,
                        _ => continue,
                    };
                    if slot.is_empty() {
                        *slot = v;
                    } else {
                        let mut next = shared::redaction::RegionForm::default();
                        match k.as_str() {
                            "x" => next.x = v,
                            "y" => next.y = v,
                            "w" => next.w = v,
                            "h" => next.h = v,
                            "mode" => next.mode = v,
                            _ => next.drop = v,
                        }
                        rows.push(next);
                    }
                }
                // The request must still pass `validated`, as in the server function.
                let request = shared::redaction::request_from_form(&rows);
                if let Ok(regions) = request.map(|r| r.validated()) {
                    let Ok(regions) = regions else { return };
                    for r in &regions {
                        assert!(r.x + r.w <= shared::redaction::FULL);
                        assert!(r.y + r.h <= shared::redaction::FULL);
                    }
                    // The page shows stored regions as rows again: saved unchanged, the same.
                    let shown: Vec<_> = regions
                        .iter()
                        .map(shared::redaction::RegionForm::of)
                        .collect();
                    let again = shared::redaction::request_from_form(&shown)
                        .expect("the rows of stored regions read back");
                    assert_eq!(again.regions, regions, "rows {shown:?}");
                }
            }
        }
        _ => {
            // The calendar's two text boxes and the deadline settings page.
            if let Some(fields) = form::<BTreeMap<String, String>>(body) {
                let get = |k: &str| fields.get(k).map(String::as_str).unwrap_or("");
                let year = get("year").parse::<i32>().unwrap_or(2026);
                if let Ok(y) = shared::calendar::CalendarYear::from_lines(
                    year,
                    get("days_off"),
                    get("make_up_days"),
                    get("source"),
                    !get("provisional").is_empty(),
                ) {
                    // What the page shows again reads back the same.
                    let (off, make_up) = y.to_lines();
                    let again = shared::calendar::CalendarYear::from_lines(
                        year,
                        &off,
                        &make_up,
                        &y.source,
                        y.provisional,
                    )
                    .expect("the year as shown reads back");
                    assert_eq!(again, y);
                }
                let base = shared::calendar::DeadlineRules::default();
                if let Ok(rules) = shared::calendar::DeadlineRules::from_form(&base, &fields) {
                    assert!(rules.validate().is_ok());
                }
            }
        }
    }
});
