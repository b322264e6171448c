//! The weekly citizen reception (tiếp công dân định kỳ): the head's session on the unit's
//! reception day, its agenda, and the reception log (sổ tiếp công dân) kept in it, one entry
//! per meeting with the log's fields.

use crate::calendar::{Date, WorkingCalendar};
use crate::case::CaseSummary;
use crate::error::ApiError;
use crate::validate::Checker;
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// This week's reception day of a unit: its weekday in the week (Monday to Sunday) of `today`,
/// or, when that day is a holiday, the next working reception day.
pub fn this_weeks_reception_day(cal: &WorkingCalendar, weekday: u8, today: Date) -> Date {
    let monday = today.add_days(-(i64::from(today.weekday()) - 1));
    let day = monday.add_days(i64::from(weekday.clamp(1, 7)) - 1);
    if cal.is_working_day(day) {
        day
    } else {
        crate::case::next_reception_day(cal, weekday, day.add_days(1))
    }
}

/// Milliseconds in a day, and Vietnam's offset from UTC (UTC+7, no daylight saving).
const DAY_MS: i64 = 86_400_000;
const UTC7_MS: i64 = 7 * 3_600_000;

/// The Vietnam (UTC+7) time of day of a Unix timestamp in milliseconds, in minutes after
/// midnight.
pub fn vietnam_minute_of_day(ms: i64) -> u32 {
    ((ms + UTC7_MS).rem_euclid(DAY_MS) / 60_000) as u32
}

/// The Unix timestamp in milliseconds of `minute` minutes after midnight, Vietnam time, on
/// `day`.
pub fn vietnam_instant_ms(day: Date, minute: u32) -> i64 {
    day.to_days() * DAY_MS + i64::from(minute) * 60_000 - UTC7_MS
}

/// The reception session whose digest (citizens booked, cases due and overdue) the heads of a
/// unit are sent now, if any: the unit's next reception day ([`crate::case::next_reception_day`],
/// so a day off moves it) when it is tomorrow and it is `digest_hour` o'clock or later today,
/// or when it is today and the session (ending at `session_end`, "HH:MM") is not over, for a
/// digest the day before missed (every process was down). A unit whose weekday is outside 1–7
/// or never a working day (a weekly rest day without make-up days) has no reception day.
pub fn digest_due(
    cal: &WorkingCalendar,
    weekday: u8,
    session_end: &str,
    today: Date,
    minute_of_day: u32,
    digest_hour: u32,
) -> Option<Date> {
    if !(1..=7).contains(&weekday) {
        return None;
    }
    let session = crate::case::next_reception_day(cal, weekday, today);
    // The helper gives up after a year without such a working day and answers `today`.
    if session.weekday() != weekday || !cal.is_working_day(session) {
        return None;
    }
    let end = crate::validate::parse_clock(session_end).unwrap_or(24 * 60);
    let due = (session == today.add_days(1) && minute_of_day >= digest_hour * 60)
        || (session == today && minute_of_day < end);
    due.then_some(session)
}

/// One meeting, as the reception log records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReceptionEntry {
    pub id: String,
    /// Số thứ tự in the session's log.
    pub entry_no: i32,
    /// The case the meeting was about, if any.
    pub report_id: Option<String>,
    pub tracking_code: Option<String>,
    pub citizen_name: String,
    pub citizen_address: String,
    /// Nội dung vụ việc.
    pub matter: String,
    /// Đã được cơ quan nào giải quyết (how it was handled before).
    pub earlier_handling: String,
    /// Yêu cầu, đề nghị của công dân.
    pub request: String,
    /// Hướng dẫn, xử lý (what was done at the meeting).
    pub action_taken: String,
    pub outcome: String,
    /// Theo dõi kết quả.
    pub follow_up: String,
    /// The outcome goes to the citizen's timeline as a public reply.
    pub public: bool,
    pub created_at: i64,
}

/// A meeting to record; the citizen's name and address are encrypted at rest. Missing fields
/// are empty, so that [`check_entry`] names each one that is required.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct NewReceptionEntry {
    pub report_id: Option<String>,
    pub citizen_name: String,
    pub citizen_address: String,
    pub matter: String,
    pub earlier_handling: String,
    pub request: String,
    pub action_taken: String,
    pub outcome: String,
    pub follow_up: String,
    pub public: bool,
}

/// The longest text of a log field, in characters.
pub const FIELD_MAX: usize = 4000;

/// Checks a meeting before it is recorded: a name, the matter and what was done are required.
pub fn check_entry(input: &NewReceptionEntry) -> Result<NewReceptionEntry, ApiError> {
    let mut c = Checker::new();
    let name = c.text(
        "citizen_name",
        ("họ và tên công dân", "citizen's name"),
        &input.citizen_name,
        2,
        120,
    );
    let address = c.text(
        "citizen_address",
        ("địa chỉ", "address"),
        &input.citizen_address,
        0,
        300,
    );
    let mut long = |field: &str, label: (&str, &str), value: &str, min: usize| {
        c.multiline(field, label, value, min, FIELD_MAX)
    };
    let matter = long("matter", ("nội dung vụ việc", "matter"), &input.matter, 5);
    let earlier = long(
        "earlier_handling",
        ("quá trình giải quyết trước đó", "earlier handling"),
        &input.earlier_handling,
        0,
    );
    let request = long(
        "request",
        ("đề nghị của công dân", "request"),
        &input.request,
        0,
    );
    let action = long(
        "action_taken",
        ("nội dung hướng dẫn, xử lý", "what was done"),
        &input.action_taken,
        5,
    );
    let outcome = long("outcome", ("kết quả", "outcome"), &input.outcome, 0);
    let follow_up = long(
        "follow_up",
        ("theo dõi kết quả", "follow-up"),
        &input.follow_up,
        0,
    );
    if input.public && outcome.is_empty() {
        c.push(
            "outcome",
            crate::FieldCode::Required,
            "Vui lòng ghi kết quả để gửi cho công dân.",
            "Please write the outcome to send to the citizen.",
        );
    }
    c.finish()?;
    Ok(NewReceptionEntry {
        report_id: input
            .report_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        citizen_name: name,
        citizen_address: address,
        matter,
        earlier_handling: earlier,
        request,
        action_taken: action,
        outcome,
        follow_up,
        public: input.public,
    })
}

/// A session with its agenda and its log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReceptionSession {
    pub id: String,
    pub unit_id: String,
    pub unit_name: String,
    /// ISO date.
    pub date: String,
    pub start: String,
    pub end: String,
    pub opened_at: i64,
    /// Open cases whose reporter asked to meet the head.
    pub booked: Vec<CaseSummary>,
    /// Open cases due by the session's day, or overdue.
    pub due: Vec<CaseSummary>,
    pub entries: Vec<ReceptionEntry>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_weeks_session_is_on_the_units_day_or_after_a_holiday() {
        let cal = WorkingCalendar::seed();
        let d = |y, m, day| Date::new(y, m, day).unwrap();
        // Monday 23/11/2026 and Friday 27/11: the session is Wednesday the 25th.
        assert_eq!(
            this_weeks_reception_day(&cal, 3, d(2026, 11, 23)),
            d(2026, 11, 25)
        );
        assert_eq!(
            this_weeks_reception_day(&cal, 3, d(2026, 11, 27)),
            d(2026, 11, 25)
        );
        // Tết week 2027: Wednesday 10/2 is a day off; the session moves to Wednesday 17/2.
        assert_eq!(
            this_weeks_reception_day(&cal, 3, d(2027, 2, 8)),
            d(2027, 2, 17)
        );
    }

    #[test]
    fn vietnam_clock_round_trips() {
        let day = Date::new(2026, 11, 24).unwrap();
        let at = vietnam_instant_ms(day, 15 * 60 + 5);
        assert_eq!(Date::from_unix_ms_vietnam(at), day);
        assert_eq!(vietnam_minute_of_day(at), 905);
        // 00:30 in Vietnam is still the day before in UTC.
        let early = vietnam_instant_ms(day, 30);
        assert_eq!(Date::from_unix_ms_vietnam(early), day);
        assert_eq!(vietnam_minute_of_day(early), 30);
    }

    #[test]
    fn the_digest_goes_out_the_afternoon_before_the_session_and_follows_a_day_off() {
        let cal = WorkingCalendar::seed();
        let d = |y, m, day| Date::new(y, m, day).unwrap();
        let due = |today, minute| digest_due(&cal, 3, "11:30", today, minute, 15);
        // Tuesday 24/11/2026: from 15:00, the digest of Wednesday the 25th.
        assert_eq!(due(d(2026, 11, 24), 14 * 60 + 59), None);
        assert_eq!(due(d(2026, 11, 24), 15 * 60), Some(d(2026, 11, 25)));
        assert_eq!(due(d(2026, 11, 23), 16 * 60), None, "two days before");
        // On the day, until the session ends (a missed eve).
        assert_eq!(due(d(2026, 11, 25), 7 * 60), Some(d(2026, 11, 25)));
        assert_eq!(due(d(2026, 11, 25), 11 * 60 + 30), None);
        // Wednesday 10/2/2027 is Tết: nothing on the 9th; on the 16th, for the 17th.
        assert_eq!(due(d(2027, 2, 9), 16 * 60), None);
        assert_eq!(due(d(2027, 2, 16), 16 * 60), Some(d(2027, 2, 17)));
        // No reception day: none set, or a Sunday that is never a working day.
        assert_eq!(
            digest_due(&cal, 0, "11:30", d(2026, 11, 24), 16 * 60, 15),
            None
        );
        for today in [d(2026, 11, 28), d(2026, 11, 29)] {
            assert_eq!(digest_due(&cal, 7, "11:30", today, 16 * 60, 15), None);
        }
    }

    #[test]
    fn a_meeting_needs_a_name_a_matter_and_what_was_done() {
        let err = check_entry(&NewReceptionEntry::default()).unwrap_err();
        let fields: Vec<_> = err.fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["citizen_name", "matter", "action_taken"]);
        let ok = check_entry(&NewReceptionEntry {
            report_id: Some("  ".into()),
            citizen_name: " Nguyễn Văn An ".into(),
            matter: "Hồ sơ đất đai chậm 20 ngày".into(),
            action_taken: "Giao địa chính kiểm tra, trả lời trong tuần".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(ok.citizen_name, "Nguyễn Văn An");
        assert_eq!(ok.report_id, None);
        let public_without_outcome = NewReceptionEntry {
            public: true,
            ..ok.clone()
        };
        assert_eq!(
            check_entry(&public_without_outcome).unwrap_err().fields[0].field,
            "outcome"
        );
    }
}
