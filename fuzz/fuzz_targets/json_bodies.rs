//! Every JSON request body of the API: the first byte picks the type, the rest is the body,
//! read as the server reads it (`JsonBody`: a JSON object first, then the type; and straight
//! into the type, as `web::Json` and the multipart JSON parts do), then given to the same
//! validation as the server. Nothing may panic, and a value the validation accepted must be
//! accepted again unchanged (what the server stored, sent back by an edit form, must pass),
//! and must survive a JSON round trip (what is stored as JSON reads back the same).
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use serde::Serialize;
use shared::workflow::{Action, Actor, CaseFacts, ReportStatus, TransitionRecord};
use std::fmt::Debug;

/// The body as `JsonBody<T>` reads it: an object, then the type; or, when it is not an
/// object, as `web::Json<T>` and the multipart parts read it.
fn parse<T: DeserializeOwned>(json: &[u8]) -> Option<T> {
    match serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(json) {
        Ok(object) => serde_json::from_value(serde_json::Value::Object(object)).ok(),
        Err(_) => serde_json::from_slice(json).ok(),
    }
}

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(what: &str, v: &T) {
    let text = serde_json::to_string(v).expect("serialises");
    let back: T = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{what}: {text} does not read back: {e}"));
    assert_eq!(&back, v, "{what}: changed by a JSON round trip");
}

/// Validation returning the cleaned value: accepted again, unchanged.
fn idempotent<T, E: Debug>(what: &str, input: &T, check: impl Fn(&T) -> Result<T, E>) -> Option<T>
where
    T: PartialEq + Debug,
{
    let clean = check(input).ok()?;
    match check(&clean) {
        Ok(again) => assert_eq!(again, clean, "{what}: validating it again changed it"),
        Err(e) => panic!("{what}: the cleaned value {clean:?} is refused: {e:?}"),
    }
    Some(clean)
}

/// [`idempotent`], and the cleaned value survives a JSON round trip.
fn cleaned<T, E: Debug>(what: &str, input: &T, check: impl Fn(&T) -> Result<T, E>)
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    if let Some(clean) = idempotent(what, input, check) {
        round_trip(what, &clean);
    }
}

/// A case action, as every actor in every status (the state machine and the payload check).
fn action(a: &Action) {
    for &status in ReportStatus::ALL {
        for &actor in Actor::ALL {
            let facts = CaseFacts::new(shared::report::ReportKind::Denunciation, false);
            if let Ok(record) = TransitionRecord::new(status, a, actor, &facts, None, 0) {
                assert_eq!(record.from, status);
            }
        }
    }
    let _ = a.reason();
    let _ = a.text();
    round_trip("action", a);
}

fn unit() -> shared::model::Unit {
    shared::model::Unit {
        id: "u1".into(),
        parent_id: None,
        kind: shared::model::UnitKind::ALL[0],
        code: "HN".into(),
        name: "Hà Nội".into(),
        address: String::new(),
        reception_weekday: 4,
        reception_start: "08:00".into(),
        reception_end: "11:00".into(),
        active: true,
        depth: 0,
        created_at: 0,
        updated_at: 0,
        remote_area: false,
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, json)) = data.split_first() else {
        return;
    };
    use shared::*;
    match which % 28 {
        0 => {
            if let Some(v) = parse(json) {
                cleaned("login", &v, validate::login);
            }
        }
        1 => {
            let _ = parse::<model::RefreshRequest>(json);
        }
        2 => {
            if let Some(v) = parse(json) {
                cleaned("new_unit", &v, validate::new_unit);
            }
        }
        3 => {
            if let Some(v) = parse(json) {
                let current = unit();
                cleaned("unit_patch", &v, |p| validate::unit_patch(p, &current));
            }
        }
        4 => {
            if let Some(v) = parse(json) {
                cleaned("new_counter", &v, validate::new_counter);
            }
        }
        5 => {
            if let Some(v) = parse(json) {
                cleaned("counter_patch", &v, validate::counter_patch);
            }
        }
        6 => {
            if let Some(v) = parse(json) {
                cleaned("new_staff", &v, validate::new_staff);
            }
        }
        7 => {
            if let Some(v) = parse(json) {
                // No round trip: an absent field (`None`) is written as `null`, which reads
                // back as "clear it" (`Some(None)`); the patches are only ever read.
                idempotent("staff_patch", &v, validate::staff_patch);
            }
        }
        8 => {
            if let Some(v) = parse(json) {
                cleaned("new_account", &v, validate::new_account);
            }
        }
        9 => {
            if let Some(v) = parse(json) {
                // No round trip: an absent field (`None`) is written as `null`, which reads
                // back as "clear it" (`Some(None)`); the patches are only ever read.
                idempotent("account_patch", &v, validate::account_patch);
            }
        }
        10 => {
            if let Some(v) = parse(json) {
                cleaned("review_request", &v, review::review_request);
            }
        }
        11 => {
            if let Some(v) = parse::<redaction::RedactionRequest>(json) {
                if let Ok(regions) = v.validated() {
                    for r in &regions {
                        assert!(r.x + r.w <= redaction::FULL && r.y + r.h <= redaction::FULL);
                        assert!(r.w > 0 && r.h > 0);
                    }
                }
            }
        }
        12 => {
            if let Some(v) = parse::<Action>(json) {
                action(&v);
            }
        }
        13 => {
            if let Some(v) = parse::<case::RevealRequest>(json) {
                if let Ok(reason) = v.validated_reason() {
                    let again = case::RevealRequest {
                        reason: reason.clone(),
                    };
                    assert_eq!(again.validated_reason().ok(), Some(reason));
                }
            }
        }
        14 => {
            if let Some(v) = parse(json) {
                cleaned("reception entry", &v, reception::check_entry);
            }
        }
        15 => {
            if let Some(v) = parse::<calendar::CalendarYear>(json) {
                let cal = calendar::WorkingCalendar {
                    years: vec![v.clone()],
                    ..Default::default()
                };
                if cal.validate().is_ok() {
                    round_trip("calendar year", &v);
                    // The admin page's text boxes show the year and read it back.
                    let (off, make_up) = v.to_lines();
                    let _ = calendar::CalendarYear::from_lines(
                        v.year,
                        &off,
                        &make_up,
                        &v.source,
                        v.provisional,
                    );
                }
            }
        }
        16 => {
            // `PUT /deadline-rules`: the names first, then the settings, then the law.
            if let Ok(object) =
                serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(json)
            {
                if deadline_settings::check_field_names(object.keys().map(String::as_str)).is_ok() {
                    if let Ok(rules) = serde_json::from_value::<calendar::DeadlineRules>(
                        serde_json::Value::Object(object),
                    ) {
                        if rules.validate().is_ok() {
                            round_trip("deadline rules", &rules);
                        }
                    }
                }
            }
        }
        17 => {
            if let Some(v) = parse(json) {
                cleaned("finding", &v, finding::check_finding);
            }
        }
        18 => {
            if let Some(v) = parse(json) {
                cleaned("new measure", &v, finding::check_new_measure);
            }
        }
        19 => {
            if let Some(v) = parse(json) {
                cleaned("measure patch", &v, finding::check_measure_patch);
            }
        }
        20 => {
            if let Some(v) = parse(json) {
                cleaned("new_rating", &v, citizen::new_rating);
            }
        }
        21 => {
            if let Some(v) = parse(json) {
                cleaned("rating_detail", &v, citizen::rating_detail);
            }
        }
        22 => {
            if let Some(v) = parse::<report::TrackRequest>(json) {
                let code = report::normalise_code(&v.tracking_code);
                assert_eq!(report::normalise_code(&code), code);
                let _ = report::normalise_code(v.secret.as_deref().unwrap_or(""));
            }
        }
        23 => {
            if let Some(v) = parse::<case::CitizenActionRequest>(json) {
                if case::CITIZEN_PAGE_ACTIONS.contains(&v.action.kind()) {
                    action(&v.action);
                }
            }
        }
        24 => {
            let _ = parse::<report::ErasureRequest>(json);
        }
        25 => {
            if let Some(v) = parse(json) {
                cleaned("new_report", &v, report::new_report);
            }
        }
        26 => {
            if let Some(v) = parse::<report::CitizenAddition>(json) {
                for photos in 0..=report::MAX_PHOTOS + 1 {
                    cleaned("addition", &v, |a| report::check_addition(a, photos));
                }
            }
        }
        _ => {
            // Anything at all, as the API's generic object reader takes it.
            let _ = serde_json::from_slice::<serde_json::Value>(json);
        }
    }
});
