//! The plain HTML form posts (`application/x-www-form-urlencoded`) of the pages that work
//! without JavaScript, and how each becomes the API's request: one definition, read by the
//! server's handlers and by the fuzz targets in `fuzz/`.

use crate::citizen::{NewRating, RatingDetail, Satisfaction, SipasCriterion, SipasScores};
use crate::model::LoginRequest;
use crate::report::CitizenAddition;
use crate::workflow::Action;
use crate::{ApiError, FieldCode};
use serde::Deserialize;

/// The value of a form field, if it was sent (the first, when sent twice).
fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn non_blank(v: Option<&str>) -> Option<String> {
    v.filter(|v| !v.trim().is_empty()).map(str::to_string)
}

/// `POST /login`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LoginForm {
    pub username: String,
    pub password: String,
    /// Where to go once signed in: a path of this site, see [`local_path`].
    #[serde(default)]
    pub next: String,
}

impl LoginForm {
    pub fn request(&self) -> LoginRequest {
        LoginRequest {
            username: self.username.clone(),
            password: self.password.clone(),
        }
    }
}

/// `next` if it is a path of this site, `fallback` otherwise: never another site, whatever the
/// browser makes of it. `//host` and `/\host` are other sites; so is `/<tab>/host`, since
/// browsers drop tabs and line breaks anywhere in a URL before reading it (found by the fuzz
/// target `form_bodies`: `/lang/vi?next=/%09/evil.example` redirected there), hence no control
/// characters at all.
pub fn local_path(next: &str, fallback: &str) -> String {
    if next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
    {
        next.to_string()
    } else {
        fallback.to_string()
    }
}

/// `POST /track`: a tracking code and, for an anonymous report, its secret.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TrackForm {
    #[serde(default)]
    pub tracking_code: String,
    #[serde(default)]
    pub secret: String,
}

impl TrackForm {
    /// The secret, unless the field was left blank.
    pub fn secret(&self) -> Option<&str> {
        Some(self.secret.as_str()).filter(|s| !s.trim().is_empty())
    }
}

/// `POST /track/erase`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ErasureForm {
    #[serde(default)]
    pub access: String,
}

/// `POST /track/action`: the tracking page's buttons.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CitizenActionForm {
    #[serde(default)]
    pub access: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub satisfied: Option<String>,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub comment: String,
}

impl CitizenActionForm {
    /// The action the button names, with its data; `None` for an action the page has no
    /// button for.
    pub fn action(&self) -> Option<Action> {
        let opt = |s: &str| non_blank(Some(s));
        Some(match self.action.as_str() {
            "citizen_feedback" => Action::CitizenFeedback {
                satisfied: self.satisfied.as_deref() == Some("true"),
                comment: opt(&self.comment),
            },
            "reopen" => Action::Reopen {
                reason: self.reason.clone(),
            },
            "appeal" => Action::Appeal {
                reason: self.reason.clone(),
            },
            "withdraw" => Action::Withdraw {
                reason: opt(&self.reason),
            },
            _ => return None,
        })
    }
}

/// `POST /q/{token}`: the counter page's one-tap rating.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RateForm {
    #[serde(default)]
    pub overall: String,
    #[serde(default)]
    pub staff_id: String,
    #[serde(default)]
    pub idempotency_key: String,
}

impl RateForm {
    /// The rating of the counter `counter_token`, still to be validated
    /// ([`crate::citizen::new_rating`]); refused here only without a level of satisfaction.
    pub fn rating(self, counter_token: String) -> Result<NewRating, ApiError> {
        let overall = Satisfaction::parse(&self.overall).ok_or_else(|| {
            ApiError::field(
                "overall",
                FieldCode::Required,
                "Vui lòng chọn mức độ hài lòng.",
                "Please choose how satisfied you are.",
            )
        })?;
        Ok(NewRating {
            counter_token,
            overall,
            staff_id: Some(self.staff_id).filter(|s| !s.is_empty()),
            sipas: SipasScores::default(),
            comment: None,
            dossier_code: None,
            idempotency_key: self.idempotency_key,
        })
    }
}

/// `POST /q/{token}/thanks/{id}`: the optional detail after a rating, SIPAS scores as radio
/// buttons named after each criterion (`sipas_access`, ...), a comment, the dossier code and
/// the officer. Still to be validated ([`crate::citizen::rating_detail`]).
pub fn rating_detail_from_form(fields: &[(String, String)]) -> RatingDetail {
    let get = |name: &str| non_blank(field(fields, name));
    let mut sipas = SipasScores::default();
    for criterion in SipasCriterion::ALL {
        // A value outside 1..=5 (or not a number) becomes 0, which validation refuses by name.
        let v = get(&format!("sipas_{}", criterion.as_str())).map(|v| v.parse::<u8>().unwrap_or(0));
        sipas.set(criterion, v);
    }
    RatingDetail {
        staff_id: get("staff_id"),
        sipas,
        comment: get("comment"),
        dossier_code: get("dossier_code"),
    }
}

/// The tracking page's "add information" form (multipart, with photos): still to be validated
/// ([`crate::report::check_addition`]).
pub fn addition_from_form(fields: &[(String, String)]) -> CitizenAddition {
    let get = |name: &str| field(fields, name).unwrap_or_default().to_string();
    CitizenAddition {
        access: get("access"),
        text: get("text"),
        idempotency_key: get("idempotency_key"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_this_site_are_followed() {
        for ok in ["/", "/admin", "/admin/cases?x=1&y=%2F%2Fz"] {
            assert_eq!(local_path(ok, "/fallback"), ok);
        }
        for bad in [
            "",
            "admin",
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/\r\n/evil.example",
            "/\u{7f}x",
        ] {
            assert_eq!(local_path(bad, "/fallback"), "/fallback", "{bad:?}");
        }
    }

    #[test]
    fn the_tracking_buttons_name_their_actions() {
        let form = |action: &str| CitizenActionForm {
            action: action.into(),
            satisfied: Some("true".into()),
            reason: "  ".into(),
            ..Default::default()
        };
        assert_eq!(
            form("citizen_feedback").action(),
            Some(Action::CitizenFeedback {
                satisfied: true,
                comment: None
            })
        );
        assert_eq!(
            form("withdraw").action(),
            Some(Action::Withdraw { reason: None })
        );
        assert_eq!(form("accept").action(), None);
    }

    #[test]
    fn unreadable_scores_become_zero_for_validation_to_name() {
        let fields = [
            ("sipas_access".to_string(), "9999".to_string()),
            ("sipas_attitude".to_string(), "4".to_string()),
            ("comment".to_string(), " ".to_string()),
        ];
        let d = rating_detail_from_form(&fields);
        assert_eq!(d.sipas.access, Some(0));
        assert_eq!(d.sipas.attitude, Some(4));
        assert_eq!(d.comment, None);
    }
}
