//! What the handling side sees of a case (the head's inbox and the case page), and the
//! deadline clock of a case, computed the same way for the inbox, the case page and the
//! citizen's tracking page.

use crate::calendar::{Date, DeadlineInput, DeadlineRules, DeadlineState, Stage, WorkingCalendar};
use crate::report::{ReportCategory, ReportKind};
use crate::workflow::{ActionKind, Actor, ReportStatus};
use crate::Lang;
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

/// The dates on a case's timeline its deadline depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseClock {
    /// The day the report was received.
    pub received: Date,
    /// The day the resolution clock last started: acceptance, escalation or reopening.
    pub resolve_start: Option<Date>,
    /// Extensions of the resolution deadline since then.
    pub resolve_extensions: u8,
    /// A denunciation's intake period was extended (7 → 10 working days).
    pub intake_extended: bool,
    /// The head declared the complaint complex (Law on Complaints 2011, art. 28).
    pub complex: bool,
    /// The case's unit is in a remote and difficult area (vùng sâu, vùng xa, đi lại khó khăn):
    /// a unit setting (art. 28).
    pub remote: bool,
}

/// The clock that runs on a case now, and where the case stands against it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CaseDeadline {
    pub stage: Stage,
    /// ISO date (yyyy-mm-dd), Vietnam time: the last day of the period.
    pub due: String,
    pub state: DeadlineState,
}

impl CaseDeadline {
    /// The clock of a case in this status, or `None` when no clock runs (answered, closed,
    /// declined, forwarded, withdrawn).
    pub fn compute(
        rules: &DeadlineRules,
        cal: &WorkingCalendar,
        kind: ReportKind,
        anonymous: bool,
        status: ReportStatus,
        clock: &CaseClock,
        today: Date,
    ) -> Option<CaseDeadline> {
        let stage = status.stage()?;
        let (start, extensions) = match stage {
            Stage::Resolve => (
                clock.resolve_start.unwrap_or(clock.received),
                clock.resolve_extensions,
            ),
            _ => (clock.received, u8::from(clock.intake_extended)),
        };
        let input = DeadlineInput {
            kind,
            anonymous,
            stage,
            start,
            extensions,
            complex: clock.complex,
            remote: clock.remote,
        };
        let due = rules.due_date(cal, &input)?;
        Some(CaseDeadline {
            stage,
            due: due.iso(),
            state: rules.state(cal, today, due),
        })
    }

    /// "Hạn: 05/12/2026 (còn 3 ngày làm việc)".
    pub fn describe(&self, lang: Lang) -> String {
        let due = Date::parse(&self.due)
            .map(Date::format_vn)
            .unwrap_or_else(|| self.due.clone());
        format!(
            "{} {due} ({})",
            lang.pick("Hạn:", "Due:"),
            self.state.label(lang)
        )
    }

    pub fn is_overdue(&self) -> bool {
        matches!(self.state, DeadlineState::Overdue(_))
    }

    pub fn is_near(&self) -> bool {
        matches!(self.state, DeadlineState::Near(_))
    }
}

/// When a citizen who asked to meet the head can come: the unit's next reception session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MeetingSlot {
    /// ISO date.
    pub date: String,
    /// "HH:MM", Vietnam time.
    pub start: String,
    pub end: String,
    pub address: String,
}

impl MeetingSlot {
    /// "Thứ Tư, 25/11/2026, 07:30–11:30, tại …".
    pub fn describe(&self, lang: Lang) -> String {
        let day = Date::parse(&self.date);
        let weekday = day
            .map(|d| crate::model::weekday_label(d.weekday(), lang))
            .unwrap_or("");
        let date = day
            .map(Date::format_vn)
            .unwrap_or_else(|| self.date.clone());
        let place = if self.address.is_empty() {
            String::new()
        } else {
            format!(", {} {}", lang.pick("tại", "at"), self.address)
        };
        format!("{weekday}, {date}, {}–{}{place}", self.start, self.end)
    }
}

/// The unit's reception day on or after `from` that is a working day (a reception day that
/// falls on a holiday moves to the next week's).
pub fn next_reception_day(cal: &WorkingCalendar, weekday: u8, from: Date) -> Date {
    let weekday = if (1..=7).contains(&weekday) {
        weekday
    } else {
        crate::model::DEFAULT_RECEPTION_WEEKDAY
    };
    let mut d = from;
    for _ in 0..400 {
        if d.weekday() == weekday && cal.is_working_day(d) {
            return d;
        }
        d = d.add_days(1);
    }
    from
}

/// Which cases the inbox lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema, IntoParams))]
pub struct CaseQuery {
    /// `open` (the default: a deadline clock runs), `all`, or one status (`answered`, …).
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub unit_id: Option<String>,
    #[serde(default)]
    pub kind: Option<ReportKind>,
    #[serde(default)]
    pub category: Option<ReportCategory>,
    #[serde(default)]
    pub counter_id: Option<String>,
    /// The officer the report is about.
    #[serde(default)]
    pub staff_id: Option<String>,
    /// The `next` cursor of the page before: the list goes on after that case. Pages are
    /// cursors, not numbers, so the thousandth page costs what the first does.
    #[serde(default)]
    pub after: Option<String>,
    #[serde(default)]
    pub per_page: Option<u32>,
    /// `true`: the committee's review queue, only the cases kept from their own unit
    /// (denunciations, corruption and harassment, reports about the unit's leaders).
    #[serde(default)]
    pub review: Option<bool>,
}

/// One page of the inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CasePage {
    pub items: Vec<CaseSummary>,
    /// How many cases match the filters.
    pub total: i64,
    pub per_page: u32,
    /// The `after` cursor of the next page; none on the last page.
    pub next: Option<String>,
}

impl CasePage {
    /// "216.667 phản ánh" / "216,667 cases".
    pub fn describe_total(&self, lang: Lang) -> String {
        format!(
            "{} {}",
            group_thousands(self.total, lang.pick(".", ",")),
            lang.pick("phản ánh", "cases")
        )
    }
}

/// 216667 → "216.667" (Vietnamese groups thousands with a dot) or "216,667".
fn group_thousands(n: i64, separator: &str) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(c);
    }
    out
}

/// Where a page of the inbox ends, in the inbox's order: cases with a clock by due date, then
/// those without one; within each, by the time received and then the id (the order is total).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseCursor {
    /// `None`: the case had no clock (the list had reached the cases without one).
    pub due_on: Option<String>,
    pub created_at: i64,
    pub id: String,
}

impl CaseCursor {
    /// `2026-12-07.1767225601000.id`, or `-.1767225601000.id` for a case without a clock.
    pub fn encode(&self) -> String {
        format!(
            "{}.{}.{}",
            self.due_on.as_deref().unwrap_or("-"),
            self.created_at,
            self.id
        )
    }

    pub fn decode(text: &str) -> Option<CaseCursor> {
        let mut parts = text.splitn(3, '.');
        let due = parts.next()?;
        let created_at = parts.next()?.parse().ok()?;
        let id = parts.next().filter(|id| !id.is_empty())?.to_string();
        let due_on = match due {
            "-" => None,
            d => Some(Date::parse(d)?.iso()),
        };
        Some(CaseCursor {
            due_on,
            created_at,
            id,
        })
    }
}

/// One line of the inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CaseSummary {
    pub id: String,
    pub tracking_code: String,
    pub kind: ReportKind,
    pub category: ReportCategory,
    pub unit_name: String,
    pub counter_name: Option<String>,
    pub status: ReportStatus,
    pub anonymous: bool,
    pub wants_meeting: bool,
    /// Unix milliseconds.
    pub created_at: i64,
    pub deadline: Option<CaseDeadline>,
    /// The handling side has not opened it yet.
    pub unread: bool,
}

/// One line of a case's timeline as the handling side sees it: internal notes included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CaseEvent {
    pub at: i64,
    /// An [`ActionKind`] or one of `received`, `acknowledged`, `meeting_requested`.
    pub kind: String,
    pub by_role: Option<String>,
    /// The staff account's full name (the audit trail; never shown to the citizen).
    pub by_name: Option<String>,
    pub public: bool,
    pub text: String,
    pub reason: Option<String>,
    pub from_status: Option<ReportStatus>,
    pub to_status: Option<ReportStatus>,
}

/// The case page. The reporter's identity is not here: the committee reveals it with a
/// recorded reason (issue "Oversight").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CaseDetail {
    pub summary: CaseSummary,
    pub description: String,
    pub occurred_at: Option<i64>,
    /// The officer the report is about, if the citizen named one.
    pub staff_name: Option<String>,
    /// The officer account the case is assigned to.
    pub assigned_to: Option<String>,
    pub photos: Vec<String>,
    /// The photos that have a redaction (everyone but the committee sees only the redacted
    /// copy), with their regions.
    #[serde(default)]
    pub photo_redactions: Vec<crate::redaction::PhotoRedaction>,
    /// The reader may redact the photos (`shared::redaction::may_redact`).
    #[serde(default)]
    pub may_redact_photos: bool,
    pub timeline: Vec<CaseEvent>,
    /// How the reader acts on this case.
    pub your_role: Actor,
    /// The actions the reader may take now: the page offers only these.
    pub allowed_actions: Vec<ActionKind>,
    /// The officers the case may be assigned to (when "assign" is allowed).
    #[serde(default)]
    pub officers: Vec<Choice>,
    /// The units the case may be forwarded to (when "forward" is allowed).
    #[serde(default)]
    pub forward_units: Vec<Choice>,
    /// Apologies with a new date the overdue job drafted; a public reply sends them.
    #[serde(default)]
    pub apologies: Vec<ApologyDraft>,
    /// The reader may reveal the reporter's identity: a committee over the case, on an
    /// identified report.
    #[serde(default)]
    pub may_reveal: bool,
    /// The reporter's identity, only for the committee member who revealed it a moment ago.
    #[serde(default)]
    pub identity: Option<RevealedIdentity>,
    /// Every reveal of the reporter's identity, for the committee (empty for anyone else).
    #[serde(default)]
    pub identity_reveals: Vec<IdentityReveal>,
}

/// The shortest written reason a committee member must give to reveal a reporter.
pub const REVEAL_REASON_MIN_CHARS: usize = 20;
/// How long the revealed identity stays on the member's case page before another reason is
/// needed (milliseconds): long enough to call the citizen, short enough that a page left
/// open does not keep showing it.
pub const REVEAL_SHOWN_FOR_MS: i64 = 60 * 60 * 1000;

/// `POST /api/v1/cases/{id}/identity`: the written reason for revealing the reporter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RevealRequest {
    pub reason: String,
}

impl RevealRequest {
    /// The reason, trimmed, when it is long enough and not too long.
    pub fn validated_reason(&self) -> Result<String, crate::error::ApiError> {
        use crate::error::{ApiError, FieldCode};
        let reason = self.reason.trim();
        let n = reason.chars().count();
        if n < REVEAL_REASON_MIN_CHARS {
            return Err(ApiError::field(
                "reason",
                FieldCode::TooShort,
                &format!("Vui lòng ghi rõ lý do cần xem danh tính người gửi (ít nhất {REVEAL_REASON_MIN_CHARS} ký tự)."),
                &format!("Please write why you need the reporter's identity (at least {REVEAL_REASON_MIN_CHARS} characters)."),
            ));
        }
        if n > crate::workflow::TEXT_MAX_CHARS {
            return Err(ApiError::field(
                "reason",
                FieldCode::TooLong,
                &format!("Lý do dài quá {} ký tự.", crate::workflow::TEXT_MAX_CHARS),
                &format!(
                    "The reason is longer than {} characters.",
                    crate::workflow::TEXT_MAX_CHARS
                ),
            ));
        }
        Ok(reason.to_string())
    }
}

/// An identified reporter as revealed to one committee member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RevealedIdentity {
    pub full_name: String,
    pub phone: String,
    pub email: Option<String>,
    /// Unix milliseconds after which the case page hides it again.
    pub shown_until: i64,
}

/// One reveal of a reporter's identity: who, when, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct IdentityReveal {
    pub by_name: String,
    pub at: i64,
    pub reason: String,
}

/// The apology with a new date (phiếu xin lỗi và hẹn lại ngày trả kết quả) drafted when a case
/// missed its deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApologyDraft {
    /// ISO dates.
    pub missed_due: String,
    pub new_due: String,
    pub body: String,
    pub created_at: i64,
    /// When the head sent it as a public reply.
    pub sent_at: Option<i64>,
}

/// An option of a select: an id and what the reader sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Choice {
    pub id: String,
    pub name: String,
}

/// A citizen's action from the tracking page: `{"access": "...", "action": {"action":
/// "citizen_feedback", "satisfied": false}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CitizenActionRequest {
    /// `ReportView.access`, from opening the report with its code (and secret).
    pub access: String,
    pub action: crate::workflow::Action,
}

/// The actions a citizen takes from the tracking page (adding information has its own form).
pub const CITIZEN_PAGE_ACTIONS: &[ActionKind] = &[
    ActionKind::CitizenFeedback,
    ActionKind::Reopen,
    ActionKind::Appeal,
    ActionKind::Withdraw,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_what_it_wrote_and_refuses_anything_else() {
        for cursor in [
            CaseCursor {
                due_on: Some("2026-12-07".into()),
                created_at: 1_767_225_601_000,
                id: "0193a-b.c".into(),
            },
            CaseCursor {
                due_on: None,
                created_at: 5,
                id: "bench-7".into(),
            },
        ] {
            assert_eq!(CaseCursor::decode(&cursor.encode()), Some(cursor));
        }
        for bad in [
            "",
            "2026-12-07",
            "2026-12-07.x.id",
            "2026-13-40.1.id",
            "-.1.",
            "hôm qua.1.a",
        ] {
            assert_eq!(CaseCursor::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn totals_are_grouped_as_each_language_writes_them() {
        let page = |total| CasePage {
            items: vec![],
            total,
            per_page: 50,
            next: None,
        };
        assert_eq!(page(216_667).describe_total(Lang::Vi), "216.667 phản ánh");
        assert_eq!(page(216_667).describe_total(Lang::En), "216,667 cases");
        assert_eq!(page(999).describe_total(Lang::Vi), "999 phản ánh");
        assert_eq!(page(1_000).describe_total(Lang::Vi), "1.000 phản ánh");
        assert_eq!(page(1_000_000).describe_total(Lang::En), "1,000,000 cases");
    }

    fn d(y: i32, m: u32, day: u32) -> Date {
        Date::new(y, m, day).unwrap()
    }

    fn clock(received: Date) -> CaseClock {
        CaseClock {
            received,
            resolve_start: None,
            resolve_extensions: 0,
            intake_extended: false,
            complex: false,
            remote: false,
        }
    }

    #[test]
    fn the_next_reception_day_skips_tet() {
        let cal = WorkingCalendar::seed();
        // Wednesdays: from Monday 23/11/2026, the 25th.
        assert_eq!(
            next_reception_day(&cal, 3, d(2026, 11, 23)),
            d(2026, 11, 25)
        );
        // Wednesday 10/2/2027 is Tết: the session moves to Wednesday 17/2.
        assert_eq!(next_reception_day(&cal, 3, d(2027, 2, 4)), d(2027, 2, 17));
    }

    #[test]
    fn a_received_denunciation_runs_the_seven_working_day_intake_clock() {
        let cal = WorkingCalendar::seed();
        let rules = DeadlineRules::default();
        // Monday 2026-11-16: 7 working days → Wednesday 2026-11-25.
        let received = d(2026, 11, 16);
        let dl = CaseDeadline::compute(
            &rules,
            &cal,
            ReportKind::Denunciation,
            false,
            ReportStatus::Received,
            &clock(received),
            d(2026, 11, 16),
        )
        .unwrap();
        assert_eq!(dl.stage, Stage::Intake);
        assert_eq!(dl.due, "2026-11-25");
        assert!(!dl.is_overdue());
        let extended = CaseClock {
            intake_extended: true,
            ..clock(received)
        };
        let dl = CaseDeadline::compute(
            &rules,
            &cal,
            ReportKind::Denunciation,
            false,
            ReportStatus::Received,
            &extended,
            d(2026, 11, 30),
        )
        .unwrap();
        // 10 working days → Monday 2026-11-30: due today.
        assert_eq!(dl.due, "2026-11-30");
        assert!(dl.is_near());
    }

    #[test]
    fn the_resolution_clock_starts_at_acceptance_and_stops_when_answered() {
        let cal = WorkingCalendar::seed();
        let rules = DeadlineRules::default();
        let c = CaseClock {
            resolve_start: Some(d(2026, 11, 2)),
            ..clock(d(2026, 10, 26))
        };
        let dl = CaseDeadline::compute(
            &rules,
            &cal,
            ReportKind::Feedback,
            false,
            ReportStatus::InProgress,
            &c,
            d(2026, 11, 30),
        )
        .unwrap();
        assert_eq!(dl.stage, Stage::Resolve);
        // 15 working days from Monday 2026-11-02 → Monday 2026-11-23; a week later, overdue.
        assert_eq!(dl.due, "2026-11-23");
        assert_eq!(dl.state, DeadlineState::Overdue(5));
        assert!(CaseDeadline::compute(
            &rules,
            &cal,
            ReportKind::Feedback,
            false,
            ReportStatus::Answered,
            &c,
            d(2026, 11, 30),
        )
        .is_none());
    }

    /// Every deadline rule across Tết Đinh Mùi 2027 (days off Friday 5 to Thursday 11
    /// February), worked out by hand from the seeded calendar.
    #[test]
    fn each_deadline_rule_across_tet_2027() {
        let cal = WorkingCalendar::seed();
        let rules = DeadlineRules::default();
        let received = |d: Date| clock(d);
        let accepted = |r: Date, a: Date| CaseClock {
            resolve_start: Some(a),
            ..clock(r)
        };
        use ReportKind::*;
        use ReportStatus::*;
        let cases = [
            // Signed denunciation, intake, 7 working days from Wednesday 3/2: Thu 4, then
            // Fri 12, Mon 15 … Fri 19.
            (
                Denunciation,
                false,
                Received,
                received(d(2027, 2, 3)),
                "2027-02-19",
            ),
            // Feedback: 10 working days to answer whether it is accepted: … Wed 24.
            (
                Feedback,
                false,
                Received,
                received(d(2027, 2, 3)),
                "2027-02-24",
            ),
            // An anonymous denunciation is not a denunciation (art. 25): the same 10 days.
            (
                Denunciation,
                true,
                Received,
                received(d(2027, 2, 3)),
                "2027-02-24",
            ),
            // Complaint: accept within 10 days, calendar days: Saturday 13/2, so Monday 15/2.
            (
                Complaint,
                false,
                Received,
                received(d(2027, 2, 3)),
                "2027-02-15",
            ),
            // Denunciation resolved within 30 days of acceptance on 11/1: 10/2 is Tết, so
            // the first working day after it, Friday 12/2.
            (
                Denunciation,
                false,
                InProgress,
                accepted(d(2027, 1, 8), d(2027, 1, 11)),
                "2027-02-12",
            ),
            // Complaint resolved within 30 days of acceptance on 8/1: Sunday 7/2 in Tết, so 12/2.
            (
                Complaint,
                false,
                Accepted,
                accepted(d(2027, 1, 4), d(2027, 1, 8)),
                "2027-02-12",
            ),
            // Anonymous denunciation reviewed within 15 working days from Monday 1/2: Tue 2,
            // Wed 3, Thu 4, Fri 12, then 15–19, 22–26 and Monday 1/3.
            (
                Denunciation,
                true,
                Accepted,
                accepted(d(2027, 1, 28), d(2027, 2, 1)),
                "2027-03-01",
            ),
            // Feedback resolved within 15 working days of acceptance on 1/2: the same.
            (
                Feedback,
                false,
                Reopened,
                accepted(d(2027, 1, 28), d(2027, 2, 1)),
                "2027-03-01",
            ),
        ];
        for (kind, anonymous, status, c, due) in cases {
            let dl =
                CaseDeadline::compute(&rules, &cal, kind, anonymous, status, &c, d(2027, 2, 1))
                    .unwrap();
            assert_eq!(dl.due, due, "{kind:?} anonymous={anonymous} {status:?}");
            let date = Date::parse(&dl.due).unwrap();
            assert!(cal.is_working_day(date), "{due} is not a working day");
        }
    }

    /// A complaint accepted on Thursday 24/12/2026, resolved within 30 days (Monday 25/1/2027,
    /// as the 30th day is a Saturday), 45 if complex or remote (Sunday 7/2/2027, mùng 2 Tết, so
    /// Friday 12/2 after the Tết break), 60 if both (Monday 22/2/2027).
    #[test]
    fn a_complex_complaint_and_a_remote_unit_lengthen_the_resolution_across_tet_2027() {
        let cal = WorkingCalendar::seed();
        let rules = DeadlineRules::default();
        let due = |complex, remote| {
            let c = CaseClock {
                resolve_start: Some(d(2026, 12, 24)),
                complex,
                remote,
                ..clock(d(2026, 12, 21))
            };
            CaseDeadline::compute(
                &rules,
                &cal,
                ReportKind::Complaint,
                false,
                ReportStatus::InProgress,
                &c,
                d(2027, 1, 4),
            )
            .unwrap()
            .due
        };
        assert_eq!(due(false, false), "2027-01-25");
        assert_eq!(due(true, false), "2027-02-12");
        assert_eq!(due(false, true), "2027-02-12");
        assert_eq!(due(true, true), "2027-02-22");
        // Neither flag changes the clock of a denunciation or of a complaint not yet accepted.
        let c = CaseClock {
            resolve_start: Some(d(2026, 12, 24)),
            complex: true,
            remote: true,
            ..clock(d(2026, 12, 21))
        };
        let den = CaseDeadline::compute(
            &rules,
            &cal,
            ReportKind::Denunciation,
            false,
            ReportStatus::InProgress,
            &c,
            d(2027, 1, 4),
        )
        .unwrap();
        assert_eq!(den.due, "2027-01-25");
        let intake = CaseDeadline::compute(
            &rules,
            &cal,
            ReportKind::Complaint,
            false,
            ReportStatus::Received,
            &c,
            d(2026, 12, 22),
        )
        .unwrap();
        // 10 days from Monday 21/12/2026: Thursday 31/12.
        assert_eq!(intake.due, "2026-12-31");
    }
}
