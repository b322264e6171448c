//! The working-day calendar (lịch ngày làm việc) and the legal deadline rules of each report kind.
//!
//! Dates are civil dates in Vietnam (UTC+7), with no time of day. The calendar is plain data
//! (weekly rest days, public holidays, swapped days off and make-up working days per year) that an
//! administrator edits year by year; [`CalendarYear::seed`] gives the data for 2026 and 2027.
//!
//! How periods are counted (Civil Code 2015, arts. 147–148, which the laws on citizen reception,
//! complaints and denunciations rely on):
//! - a period starts on the day *after* the event (a report received on Thursday counts from
//!   Friday), so "N working days from receipt" ends on the N-th working day after that day;
//! - a period counted in calendar days that ends on a weekly rest day or a holiday ends instead at
//!   the end of the next working day.

use crate::error::ApiError;
use crate::report::ReportKind;
use crate::validate::Checker;
use crate::{FieldCode, Lang};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

// ---------------------------------------------------------------------------------------------
// Civil dates
// ---------------------------------------------------------------------------------------------

/// A civil date (Vietnam local date), stored as days since 1970-01-01. Always valid; years
/// 1900–9999. Sent over the API as `"YYYY-MM-DD"`; shown to people as dd/mm/yyyy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    days: i32,
}

const MIN_YEAR: i32 = 1900;
const MAX_YEAR: i32 = 9999;

/// Howard Hinnant's `days_from_civil`: days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(if m <= 2 { y - 1 } else { y });
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// `None` unless it is a real date of the years 1900–9999.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date {
            days: days_from_civil(year, month, day) as i32,
        })
    }

    /// Days since 1970-01-01.
    pub fn to_days(self) -> i64 {
        i64::from(self.days)
    }

    /// The date `days` days after 1970-01-01, clamped to the supported years.
    pub fn from_days(days: i64) -> Date {
        let lo = days_from_civil(MIN_YEAR, 1, 1);
        let hi = days_from_civil(MAX_YEAR, 12, 31);
        Date {
            days: days.clamp(lo, hi) as i32,
        }
    }

    /// The first millisecond of this day in Vietnam (UTC+7), as a Unix timestamp: the inverse
    /// of [`Date::from_unix_ms_vietnam`], for "created on this day" ranges over timestamps.
    pub fn start_unix_ms_vietnam(self) -> i64 {
        self.to_days() * 86_400_000 - 7 * 3_600_000
    }

    /// The Vietnam (UTC+7) date of a Unix timestamp in milliseconds.
    pub fn from_unix_ms_vietnam(ms: i64) -> Date {
        const DAY_MS: i64 = 86_400_000;
        const UTC7_MS: i64 = 7 * 3_600_000;
        Date::from_days((ms + UTC7_MS).div_euclid(DAY_MS))
    }

    pub fn year(self) -> i32 {
        civil_from_days(self.to_days()).0
    }

    pub fn month(self) -> u32 {
        civil_from_days(self.to_days()).1
    }

    pub fn day(self) -> u32 {
        civil_from_days(self.to_days()).2
    }

    /// The number of days of this date's month (28 to 31).
    pub fn days_in_month(self) -> u32 {
        let (y, m, _) = civil_from_days(self.to_days());
        days_in_month(y, m)
    }

    /// ISO weekday, as `model::weekday_label`: 1 = Monday (Thứ Hai) … 7 = Sunday (Chủ nhật).
    pub fn weekday(self) -> u8 {
        // 1970-01-01 was a Thursday (4).
        ((self.to_days() + 3).rem_euclid(7) + 1) as u8
    }

    pub fn add_days(self, n: i64) -> Date {
        Date::from_days(self.to_days() + n)
    }

    /// Reads `YYYY-MM-DD` (the API) or `dd/mm/yyyy` (what people type).
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let num = |p: &str| -> Option<u32> {
            if p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()) {
                None
            } else {
                p.parse().ok()
            }
        };
        if let [y, m, d] = s.split('-').collect::<Vec<_>>()[..] {
            if y.len() == 4 && m.len() == 2 && d.len() == 2 {
                return Date::new(num(y)? as i32, num(m)?, num(d)?);
            }
            return None;
        }
        if let [d, m, y] = s.split('/').collect::<Vec<_>>()[..] {
            if y.len() == 4 && (1..=2).contains(&m.len()) && (1..=2).contains(&d.len()) {
                return Date::new(num(y)? as i32, num(m)?, num(d)?);
            }
        }
        None
    }

    /// `YYYY-MM-DD`.
    pub fn iso(self) -> String {
        let (y, m, d) = civil_from_days(self.to_days());
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// dd/mm/yyyy, as every page shows dates.
    pub fn format_vn(self) -> String {
        let (y, m, d) = civil_from_days(self.to_days());
        format!("{d:02}/{m:02}/{y:04}")
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("not a date (YYYY-MM-DD): {s}")))
    }
}

/// Shorthand for the seed data and tests.
const fn ymd(y: i32, m: u32, d: u32) -> (i32, u32, u32) {
    (y, m, d)
}

fn date(t: (i32, u32, u32)) -> Date {
    Date::new(t.0, t.1, t.2).expect("valid seed date")
}

// ---------------------------------------------------------------------------------------------
// The working calendar
// ---------------------------------------------------------------------------------------------

/// A day off that is not a weekly rest day: a public holiday (ngày nghỉ lễ, Tết), a compensating
/// day for a holiday that fell on a weekend (nghỉ bù), or a working day swapped for a day off
/// (nghỉ hoán đổi). A holiday that falls on a weekend may be listed too; it changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DayOff {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: Date,
    pub name_vi: String,
    #[serde(default)]
    pub name_en: String,
}

/// A weekly rest day that is worked (ngày làm bù), usually the Saturday that pays for a swapped
/// day off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MakeUpDay {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: Date,
    pub note_vi: String,
    #[serde(default)]
    pub note_en: String,
}

/// One year of the calendar, as an administrator edits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CalendarYear {
    pub year: i32,
    #[serde(default)]
    pub days_off: Vec<DayOff>,
    #[serde(default)]
    pub make_up_days: Vec<MakeUpDay>,
    /// Where the data comes from: the government decision or announcement.
    #[serde(default)]
    pub source: String,
    /// True while the government has not yet decided the year's days off and the data is a plan.
    #[serde(default)]
    pub provisional: bool,
}

/// The ISO weekdays of the weekly rest: Saturday and Sunday for public offices.
pub const DEFAULT_WEEKEND: [u8; 2] = [6, 7];

fn default_weekend() -> Vec<u8> {
    DEFAULT_WEEKEND.to_vec()
}

/// Weekly rest days plus the days off and make-up days of each year.
///
/// A day is a working day when it is a make-up day, or else when it is neither a listed day off
/// nor a weekly rest day. A weekend that covers all seven days is not valid
/// ([`WorkingCalendar::validate`] refuses it); the arithmetic then falls back to Saturday and
/// Sunday so that it always ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WorkingCalendar {
    #[serde(default = "default_weekend")]
    pub weekend: Vec<u8>,
    #[serde(default)]
    pub years: Vec<CalendarYear>,
}

impl Default for WorkingCalendar {
    /// Weekends only, no holidays.
    fn default() -> Self {
        WorkingCalendar {
            weekend: default_weekend(),
            years: Vec::new(),
        }
    }
}

/// What a day is, for calendars drawn on the staff pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DayType {
    Working,
    MakeUp,
    Weekend,
    DayOff,
}

impl DayType {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            DayType::Working => lang.pick("Ngày làm việc", "Working day"),
            DayType::MakeUp => lang.pick("Ngày làm bù", "Make-up working day"),
            DayType::Weekend => lang.pick("Ngày nghỉ hằng tuần", "Weekly rest day"),
            DayType::DayOff => lang.pick("Ngày nghỉ lễ, Tết", "Public holiday"),
        }
    }
}

impl WorkingCalendar {
    /// Saturday and Sunday off plus the seed data of every year [`CalendarYear::seed`] knows.
    pub fn seed() -> WorkingCalendar {
        WorkingCalendar {
            weekend: default_weekend(),
            years: SEEDED_YEARS
                .iter()
                .filter_map(|y| CalendarYear::seed(*y))
                .collect(),
        }
    }

    /// Whether the calendar has data for this year (deadlines in a year without data count
    /// weekends only, and the admin pages should say so).
    pub fn covers(&self, year: i32) -> bool {
        self.years.iter().any(|y| y.year == year)
    }

    fn is_weekend(&self, d: Date) -> bool {
        let wd = d.weekday();
        if (1..=7u8).all(|x| self.weekend.contains(&x)) {
            DEFAULT_WEEKEND.contains(&wd)
        } else {
            self.weekend.contains(&wd)
        }
    }

    pub fn day_off(&self, d: Date) -> Option<&DayOff> {
        self.years
            .iter()
            .flat_map(|y| y.days_off.iter())
            .find(|h| h.date == d)
    }

    pub fn make_up_day(&self, d: Date) -> Option<&MakeUpDay> {
        self.years
            .iter()
            .flat_map(|y| y.make_up_days.iter())
            .find(|m| m.date == d)
    }

    pub fn day_type(&self, d: Date) -> DayType {
        if self.make_up_day(d).is_some() {
            DayType::MakeUp
        } else if self.day_off(d).is_some() {
            DayType::DayOff
        } else if self.is_weekend(d) {
            DayType::Weekend
        } else {
            DayType::Working
        }
    }

    pub fn is_working_day(&self, d: Date) -> bool {
        matches!(self.day_type(d), DayType::Working | DayType::MakeUp)
    }

    /// `d` itself if it is a working day, else the first working day after it.
    pub fn on_or_next_working_day(&self, d: Date) -> Date {
        let mut d = d;
        while !self.is_working_day(d) {
            d = d.add_days(1);
        }
        d
    }

    /// The `n`-th working day after `start` (`start` itself is never counted; `n == 0` gives
    /// `start`). "Within N working days of receipt" ends on `add_working_days(received, N)`.
    pub fn add_working_days(&self, start: Date, n: u32) -> Date {
        let mut d = start;
        let mut left = n;
        while left > 0 {
            d = d.add_days(1);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// The number of working days `d` with `a < d <= b`; negative, counted the same way, when
    /// `b` is before `a`. So `working_days_between(s, add_working_days(s, n)) == n`, and for an
    /// inbox `working_days_between(today, due)` is the working days left (negative: overdue).
    pub fn working_days_between(&self, a: Date, b: Date) -> i64 {
        let (lo, hi, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
        let mut n = 0i64;
        let mut d = lo;
        while d < hi {
            d = d.add_days(1);
            if self.is_working_day(d) {
                n += 1;
            }
        }
        sign * n
    }

    /// `start` plus `n` calendar days; if that day is a day off, the deadline moves to the next
    /// working day (Civil Code 2015, art. 148(5): a period whose last day is a rest day or a
    /// holiday ends at the end of the next working day).
    pub fn add_calendar_days(&self, start: Date, n: u32) -> Date {
        self.on_or_next_working_day(start.add_days(i64::from(n)))
    }

    /// Checks an edited calendar before it is saved: a real weekend, each year's dates inside that
    /// year, no date listed twice, a make-up day that is not also a day off, names present.
    pub fn validate(&self) -> Result<(), ApiError> {
        let mut c = Checker::new();
        if self.weekend.iter().any(|d| !(1..=7).contains(d)) || self.weekend.len() >= 7 {
            c.push(
                "weekend",
                FieldCode::InvalidValue,
                "Ngày nghỉ hằng tuần phải là các thứ trong tuần (1 = Thứ Hai … 7 = Chủ nhật) và không thể là cả tuần.",
                "Weekly rest days must be weekdays (1 = Monday … 7 = Sunday), and not the whole week.",
            );
        }
        let mut seen_years = Vec::new();
        for (i, y) in self.years.iter().enumerate() {
            if seen_years.contains(&y.year) {
                c.push(
                    &format!("years[{i}].year"),
                    FieldCode::Duplicate,
                    format!("Năm {} đã có trong lịch.", y.year),
                    format!("The year {} is already in the calendar.", y.year),
                );
            }
            seen_years.push(y.year);
            y.check(&mut c, &format!("years[{i}]"));
        }
        c.finish()
    }
}

impl CalendarYear {
    fn check(&self, c: &mut Checker, prefix: &str) {
        let mut dates: Vec<Date> = Vec::new();
        for (i, h) in self.days_off.iter().enumerate() {
            let field = format!("{prefix}.days_off[{i}]");
            check_entry(
                c, &field, "name_vi", self.year, h.date, &h.name_vi, &mut dates,
            );
        }
        for (i, m) in self.make_up_days.iter().enumerate() {
            let field = format!("{prefix}.make_up_days[{i}]");
            check_entry(
                c, &field, "note_vi", self.year, m.date, &m.note_vi, &mut dates,
            );
        }
    }

    /// The year as the admin page's two text boxes show it: one day per line, "dd/mm/yyyy
    /// Tên | English name" (the English name is optional).
    pub fn to_lines(&self) -> (String, String) {
        let line = |d: Date, vi: &str, en: &str| {
            if en.is_empty() {
                format!("{} {vi}", d.format_vn())
            } else {
                format!("{} {vi} | {en}", d.format_vn())
            }
        };
        (
            self.days_off
                .iter()
                .map(|h| line(h.date, &h.name_vi, &h.name_en))
                .collect::<Vec<_>>()
                .join("\n"),
            self.make_up_days
                .iter()
                .map(|m| line(m.date, &m.note_vi, &m.note_en))
                .collect::<Vec<_>>()
                .join("\n"),
        )
    }

    /// Reads the admin page's two text boxes back (see [`CalendarYear::to_lines`]), then
    /// checks the year; a refusal names the box and the line.
    pub fn from_lines(
        year: i32,
        days_off: &str,
        make_up_days: &str,
        source: &str,
        provisional: bool,
    ) -> Result<CalendarYear, ApiError> {
        let mut c = Checker::new();
        let mut parse = |field: &str, text: &str| -> Vec<(Date, String, String)> {
            let mut out = Vec::new();
            for (i, raw) in text.lines().enumerate() {
                let raw = raw.trim();
                if raw.is_empty() {
                    continue;
                }
                let (date, rest) = raw.split_once(char::is_whitespace).unwrap_or((raw, ""));
                let (vi, en) = rest.split_once('|').unwrap_or((rest, ""));
                match Date::parse(date) {
                    Some(d) => out.push((d, vi.trim().to_string(), en.trim().to_string())),
                    None => {
                        c.push(
                            field,
                            FieldCode::InvalidFormat,
                            format!("Dòng {}: «{raw}» phải bắt đầu bằng ngày dd/mm/yyyy.", i + 1),
                            format!(
                                "Line {}: “{raw}” must start with a date, dd/mm/yyyy.",
                                i + 1
                            ),
                        );
                    }
                }
            }
            out
        };
        let off = parse("days_off", days_off);
        let make_up = parse("make_up_days", make_up_days);
        c.finish()?;
        let year = CalendarYear {
            year,
            days_off: off
                .into_iter()
                .map(|(date, name_vi, name_en)| DayOff {
                    date,
                    name_vi,
                    name_en,
                })
                .collect(),
            make_up_days: make_up
                .into_iter()
                .map(|(date, note_vi, note_en)| MakeUpDay {
                    date,
                    note_vi,
                    note_en,
                })
                .collect(),
            source: crate::validate::clean(source),
            provisional,
        };
        WorkingCalendar {
            weekend: default_weekend(),
            years: vec![year.clone()],
        }
        .validate()?;
        Ok(year)
    }

    /// The seed data of a year, or `None` for a year without seed data (the admin enters it).
    pub fn seed(year: i32) -> Option<CalendarYear> {
        match year {
            2026 => Some(seed_2026()),
            2027 => Some(seed_2027()),
            _ => None,
        }
    }
}

fn check_entry(
    c: &mut Checker,
    field: &str,
    name_field: &str,
    year: i32,
    d: Date,
    name_vi: &str,
    seen: &mut Vec<Date>,
) {
    if d.year() != year {
        c.push(
            &format!("{field}.date"),
            FieldCode::InvalidValue,
            format!("Ngày {} không thuộc năm {year}.", d.format_vn()),
            format!("{} is not in {year}.", d.format_vn()),
        );
    }
    if seen.contains(&d) {
        c.push(
            &format!("{field}.date"),
            FieldCode::Duplicate,
            format!("Ngày {} đã được khai báo.", d.format_vn()),
            format!("{} is listed twice.", d.format_vn()),
        );
    }
    seen.push(d);
    if name_vi.trim().is_empty() {
        c.push(
            &format!("{field}.{name_field}"),
            FieldCode::Required,
            "Vui lòng nhập tên hoặc ghi chú bằng tiếng Việt.",
            "Please enter the name or note in Vietnamese.",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Seed data
// ---------------------------------------------------------------------------------------------

/// The years [`WorkingCalendar::seed`] includes.
pub const SEEDED_YEARS: [i32; 2] = [2026, 2027];

fn off(d: (i32, u32, u32), vi: &str, en: &str) -> DayOff {
    DayOff {
        date: date(d),
        name_vi: vi.to_string(),
        name_en: en.to_string(),
    }
}

fn make_up(d: (i32, u32, u32), vi: &str, en: &str) -> MakeUpDay {
    MakeUpDay {
        date: date(d),
        note_vi: vi.to_string(),
        note_en: en.to_string(),
    }
}

/// 2026, as decided by the government.
///
/// Sources:
/// - Labour Code 2019, art. 112: Tết Dương lịch 1 day, Tết Âm lịch 5 days, Giỗ Tổ Hùng Vương
///   (10/3 lunar) 1 day, 30/4 and 1/5, Quốc khánh 2 days (2/9 and the day before or after); a
///   holiday on a weekly rest day is compensated on the next working day. (The 2-day National Day
///   dates from this 2019 code, not from a 2025 amendment.)
/// - Tết Dương lịch: Văn phòng Chính phủ, công văn 12729/VPCP-KGVX of 25/12/2025 — off Thu 1/1 to
///   Sun 4/1, Fri 2/1 swapped with Sat 10/1.
/// - Tết Nguyên đán Bính Ngọ and Quốc khánh: the Prime Minister's agreement with the Ministry of
///   Home Affairs' plan, conveyed by the Government Office in October 2025 (reported by
///   kienthuc.net.vn, 13/10/2025, and congan.com.vn): Tết off Sat 14/2 (27 tháng Chạp Ất Tỵ) to
///   Sun 22/2 (mùng 6 Bính Ngọ), i.e. Mon 16/2–Fri 20/2; Quốc khánh off Sat 29/8 to Wed 2/9, with
///   Mon 31/8 swapped with Sat 22/8.
/// - Giỗ Tổ Hùng Vương falls on Sun 26/4, compensated on Mon 27/4 (thanhnien.vn, 23/02/2026).
/// - Not included: Ngày Văn hóa Việt Nam (24/11), chosen as a paid holiday by Politburo
///   resolution 80-NQ/TW (January 2026) and to be added to art. 112 by an amendment of the Labour
///   Code (Government resolution 30/NQ-CP, February 2026); add it here once the law is in force.
fn seed_2026() -> CalendarYear {
    let tet = "Tết Nguyên đán Bính Ngọ";
    let tet_en = "Lunar New Year (Tết)";
    CalendarYear {
        year: 2026,
        days_off: vec![
            off(ymd(2026, 1, 1), "Tết Dương lịch", "New Year's Day"),
            off(
                ymd(2026, 1, 2),
                "Nghỉ hoán đổi dịp Tết Dương lịch (làm bù thứ Bảy 10/01/2026)",
                "Swapped day off for New Year (worked on Saturday 10/01/2026)",
            ),
            off(ymd(2026, 2, 16), &format!("{tet} (29 tháng Chạp)"), tet_en),
            off(ymd(2026, 2, 17), &format!("{tet} (mùng 1)"), tet_en),
            off(ymd(2026, 2, 18), &format!("{tet} (mùng 2)"), tet_en),
            off(ymd(2026, 2, 19), &format!("{tet} (mùng 3)"), tet_en),
            off(ymd(2026, 2, 20), &format!("{tet} (mùng 4)"), tet_en),
            off(
                ymd(2026, 4, 26),
                "Giỗ Tổ Hùng Vương (10/3 âm lịch)",
                "Hung Kings' Commemoration Day",
            ),
            off(
                ymd(2026, 4, 27),
                "Nghỉ bù Giỗ Tổ Hùng Vương (trùng Chủ nhật 26/04)",
                "Compensating day off for the Hung Kings' Commemoration (fell on Sunday)",
            ),
            off(
                ymd(2026, 4, 30),
                "Ngày Chiến thắng (30/4)",
                "Reunification Day",
            ),
            off(
                ymd(2026, 5, 1),
                "Ngày Quốc tế Lao động (1/5)",
                "International Labour Day",
            ),
            off(
                ymd(2026, 8, 31),
                "Nghỉ hoán đổi dịp Quốc khánh (làm bù thứ Bảy 22/08/2026)",
                "Swapped day off for National Day (worked on Saturday 22/08/2026)",
            ),
            off(
                ymd(2026, 9, 1),
                "Quốc khánh (ngày liền kề)",
                "National Day (adjacent day)",
            ),
            off(ymd(2026, 9, 2), "Quốc khánh (2/9)", "National Day"),
        ],
        make_up_days: vec![
            make_up(
                ymd(2026, 1, 10),
                "Làm bù cho thứ Sáu 02/01/2026",
                "Worked in exchange for Friday 02/01/2026",
            ),
            make_up(
                ymd(2026, 8, 22),
                "Làm bù cho thứ Hai 31/08/2026",
                "Worked in exchange for Monday 31/08/2026",
            ),
        ],
        source: "Bộ luật Lao động 2019, Điều 112; Công văn 12729/VPCP-KGVX ngày 25/12/2025 (Tết Dương lịch); \
                 ý kiến của Thủ tướng Chính phủ về nghỉ Tết Âm lịch, Quốc khánh năm 2026 (VPCP, tháng 10/2025)"
            .to_string(),
        provisional: false,
    }
}

/// 2027: a provisional plan drawn from the Labour Code alone, since no government decision was
/// found when this was written (November 2026). Replace it when the Ministry of Home Affairs'
/// plan is approved (usually in October–December of the year before).
///
/// - Tết Dương lịch: Fri 1/1.
/// - Tết Nguyên đán Đinh Mùi: mùng 1 is Sat 6/2/2027. The 5 Tết days are taken as the last day of
///   Bính Ngọ (Fri 5/2) and mùng 1–4 (6–9/2); mùng 1 and 2 fall on the weekend and are compensated
///   on Wed 10/2 and Thu 11/2. Weekdays off: 5/2 and 8–11/2.
/// - Giỗ Tổ Hùng Vương (10/3 lunar): Fri 16/4.
/// - 30/4 is a Friday; 1/5 is a Saturday, compensated on Mon 3/5.
/// - Quốc khánh: Thu 2/9 plus the adjacent Fri 3/9 (the government may pick Wed 1/9 instead).
fn seed_2027() -> CalendarYear {
    let tet = "Tết Nguyên đán Đinh Mùi";
    let tet_en = "Lunar New Year (Tết)";
    CalendarYear {
        year: 2027,
        days_off: vec![
            off(ymd(2027, 1, 1), "Tết Dương lịch", "New Year's Day"),
            off(ymd(2027, 2, 5), &format!("{tet} (tất niên)"), tet_en),
            off(ymd(2027, 2, 6), &format!("{tet} (mùng 1)"), tet_en),
            off(ymd(2027, 2, 7), &format!("{tet} (mùng 2)"), tet_en),
            off(ymd(2027, 2, 8), &format!("{tet} (mùng 3)"), tet_en),
            off(ymd(2027, 2, 9), &format!("{tet} (mùng 4)"), tet_en),
            off(
                ymd(2027, 2, 10),
                &format!("Nghỉ bù {tet} (mùng 1 trùng thứ Bảy)"),
                "Compensating Tết day off (mùng 1 fell on Saturday)",
            ),
            off(
                ymd(2027, 2, 11),
                &format!("Nghỉ bù {tet} (mùng 2 trùng Chủ nhật)"),
                "Compensating Tết day off (mùng 2 fell on Sunday)",
            ),
            off(
                ymd(2027, 4, 16),
                "Giỗ Tổ Hùng Vương (10/3 âm lịch)",
                "Hung Kings' Commemoration Day",
            ),
            off(
                ymd(2027, 4, 30),
                "Ngày Chiến thắng (30/4)",
                "Reunification Day",
            ),
            off(
                ymd(2027, 5, 1),
                "Ngày Quốc tế Lao động (1/5)",
                "International Labour Day",
            ),
            off(
                ymd(2027, 5, 3),
                "Nghỉ bù Ngày Quốc tế Lao động (trùng thứ Bảy 01/05)",
                "Compensating day off for Labour Day (fell on Saturday)",
            ),
            off(ymd(2027, 9, 2), "Quốc khánh (2/9)", "National Day"),
            off(
                ymd(2027, 9, 3),
                "Quốc khánh (ngày liền kề)",
                "National Day (adjacent day)",
            ),
        ],
        make_up_days: Vec::new(),
        source: "Dự kiến theo Bộ luật Lao động 2019, Điều 112; chưa có quyết định của Chính phủ \
                 (provisional plan from Labour Code art. 112; no government decision yet)"
            .to_string(),
        provisional: true,
    }
}

// ---------------------------------------------------------------------------------------------
// Deadline rules
// ---------------------------------------------------------------------------------------------

/// How a period is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DayCount {
    /// Ngày làm việc: weekends, holidays and swapped days off are skipped.
    Working,
    /// Ngày (theo lịch): every day counts; a deadline on a day off moves to the next working day.
    Calendar,
}

/// A legal period: so many working or calendar days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Period {
    pub days: u32,
    pub count: DayCount,
}

impl Period {
    pub const fn working(days: u32) -> Period {
        Period {
            days,
            count: DayCount::Working,
        }
    }

    pub const fn calendar(days: u32) -> Period {
        Period {
            days,
            count: DayCount::Calendar,
        }
    }

    /// The last day of the period that starts the day after `start`.
    pub fn due(self, cal: &WorkingCalendar, start: Date) -> Date {
        match self.count {
            DayCount::Working => cal.add_working_days(start, self.days),
            DayCount::Calendar => cal.add_calendar_days(start, self.days),
        }
    }

    /// "10 ngày làm việc" / "10 working days".
    pub fn describe(self, lang: Lang) -> String {
        match (self.count, lang) {
            (DayCount::Working, Lang::Vi) => format!("{} ngày làm việc", self.days),
            (DayCount::Working, Lang::En) => format!("{} working days", self.days),
            (DayCount::Calendar, Lang::Vi) => format!("{} ngày", self.days),
            (DayCount::Calendar, Lang::En) => format!("{} days", self.days),
        }
    }
}

/// Which deadline clock runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Tell the citizen the report is accepted, declined or forwarded (from receipt).
    Acknowledge,
    /// Decide whether to accept (thụ lý) (from receipt).
    Intake,
    /// Forward a denunciation the unit is not competent for (from receipt).
    Forward,
    /// Resolve and answer (from acceptance).
    Resolve,
}

impl Stage {
    pub const ALL: &'static [Stage] = &[
        Stage::Acknowledge,
        Stage::Intake,
        Stage::Forward,
        Stage::Resolve,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Acknowledge => "acknowledge",
            Stage::Intake => "intake",
            Stage::Forward => "forward",
            Stage::Resolve => "resolve",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Self::ALL.iter().copied().find(|x| x.as_str() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Stage::Acknowledge => lang.pick(
                "Thông báo thụ lý, không thụ lý hoặc chuyển đơn",
                "Tell the citizen: accepted, declined or forwarded",
            ),
            Stage::Intake => lang.pick("Quyết định thụ lý", "Decide on acceptance"),
            Stage::Forward => lang.pick(
                "Chuyển cơ quan có thẩm quyền",
                "Forward to the competent body",
            ),
            Stage::Resolve => lang.pick("Giải quyết, trả lời", "Resolve and answer"),
        }
    }
}

/// The legal deadlines, as settings an administrator may change within the law
/// ([`DeadlineRules::validate`], in [`crate::deadline_settings`]). `Default` gives the values of
/// the law (see each field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct DeadlineRules {
    /// Any report: tell the citizen it is accepted, declined or forwarded — 10 working days
    /// (Law on Citizen Reception 2013, art. 28).
    pub acknowledge: Period,
    /// Denunciation: intake decision — 7 working days (Law on Denunciations 2018, art. 24(1)).
    pub denunciation_intake: Period,
    /// … when verification is needed, up to 10 working days (art. 24(1)).
    pub denunciation_intake_extended: Period,
    /// Denunciation outside the unit's competence: forward within 5 working days (art. 24(2)).
    pub denunciation_forward: Period,
    /// Denunciation: resolve within 30 days of acceptance (art. 30(1)).
    pub denunciation_resolve: Period,
    /// … each extension (complex: once; very complex: twice) adds up to 30 days (art. 30(1)).
    pub denunciation_extension: Period,
    pub denunciation_max_extensions: u8,
    /// An anonymous denunciation is not a denunciation under the law (art. 25): the committee
    /// reviews it when it is specific and has evidence. Review deadline: a setting.
    pub anonymous_review: Period,
    pub anonymous_extension: Period,
    pub anonymous_max_extensions: u8,
    /// Complaint: accept or refuse within 10 days of receipt (Law on Complaints 2011, art. 27).
    /// The law says "ngày": calendar days, as the Civil Code counts them (see
    /// [`crate::deadline_settings`] for what an administrator may change).
    pub complaint_accept: Period,
    /// Complaint: resolve within 30 days of acceptance; 45 if complex (art. 28).
    pub complaint_resolve: Period,
    pub complaint_resolve_complex: Period,
    /// … in remote and difficult areas 45 days; 60 if complex (art. 28).
    pub complaint_resolve_remote: Period,
    pub complaint_resolve_remote_complex: Period,
    /// Feedback and suggestions (phản ánh, kiến nghị): no single statutory period; a setting.
    pub feedback_resolve: Period,
    pub feedback_extension: Period,
    pub feedback_max_extensions: u8,
    /// A case is "near its deadline" with this many working days left or fewer.
    pub near_deadline_working_days: u32,
    /// The shortest reason accepted for an extension decision (characters).
    pub extension_reason_min_chars: usize,
}

impl Default for DeadlineRules {
    fn default() -> Self {
        DeadlineRules {
            acknowledge: Period::working(10),
            denunciation_intake: Period::working(7),
            denunciation_intake_extended: Period::working(10),
            denunciation_forward: Period::working(5),
            denunciation_resolve: Period::calendar(30),
            denunciation_extension: Period::calendar(30),
            denunciation_max_extensions: 2,
            anonymous_review: Period::working(15),
            anonymous_extension: Period::working(15),
            anonymous_max_extensions: 1,
            complaint_accept: Period::calendar(10),
            complaint_resolve: Period::calendar(30),
            complaint_resolve_complex: Period::calendar(45),
            complaint_resolve_remote: Period::calendar(45),
            complaint_resolve_remote_complex: Period::calendar(60),
            feedback_resolve: Period::working(15),
            feedback_extension: Period::working(10),
            feedback_max_extensions: 1,
            near_deadline_working_days: 2,
            extension_reason_min_chars: 10,
        }
    }
}

/// What the due date of a stage depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeadlineInput {
    pub kind: ReportKind,
    pub anonymous: bool,
    pub stage: Stage,
    /// Receipt for Acknowledge/Intake/Forward; acceptance for Resolve.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub start: Date,
    /// Extensions granted for this stage so far.
    #[serde(default)]
    pub extensions: u8,
    /// Complex case (vụ việc phức tạp) — complaints.
    #[serde(default)]
    pub complex: bool,
    /// Remote or difficult area (vùng sâu, vùng xa đi lại khó khăn) — complaints.
    #[serde(default)]
    pub remote: bool,
}

/// Where a case stands against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case", tag = "state", content = "working_days")]
pub enum DeadlineState {
    /// Working days left.
    OnTime(i64),
    /// Working days left, at most the near-deadline setting.
    Near(i64),
    /// Working days past the due date (0: due today has passed only in calendar days).
    Overdue(i64),
}

impl DeadlineState {
    pub fn label(self, lang: Lang) -> String {
        match (self, lang) {
            (DeadlineState::OnTime(n), Lang::Vi) => format!("Còn {n} ngày làm việc"),
            (DeadlineState::OnTime(n), Lang::En) => format!("{n} working days left"),
            (DeadlineState::Near(0), Lang::Vi) => "Đến hạn hôm nay".to_string(),
            (DeadlineState::Near(0), Lang::En) => "Due today".to_string(),
            (DeadlineState::Near(n), Lang::Vi) => format!("Sắp đến hạn: còn {n} ngày làm việc"),
            (DeadlineState::Near(n), Lang::En) => format!("Due soon: {n} working days left"),
            (DeadlineState::Overdue(n), Lang::Vi) => format!("Quá hạn {n} ngày làm việc"),
            (DeadlineState::Overdue(n), Lang::En) => format!("Overdue by {n} working days"),
        }
    }
}

impl DeadlineRules {
    /// The period of a stage before any extension, or `None` when the stage does not apply
    /// (only denunciations have a forwarding clock of their own).
    pub fn base_period(&self, input: &DeadlineInput) -> Option<Period> {
        use ReportKind::*;
        let denunciation = input.kind == Denunciation && !input.anonymous;
        Some(match input.stage {
            Stage::Acknowledge => self.acknowledge,
            Stage::Intake if denunciation => self.denunciation_intake,
            Stage::Intake if input.kind == Complaint => self.complaint_accept,
            Stage::Intake => self.acknowledge,
            Stage::Forward if denunciation => self.denunciation_forward,
            Stage::Forward => return None,
            Stage::Resolve => match input.kind {
                Denunciation if input.anonymous => self.anonymous_review,
                Denunciation => self.denunciation_resolve,
                Complaint => match (input.remote, input.complex) {
                    (false, false) => self.complaint_resolve,
                    (false, true) => self.complaint_resolve_complex,
                    (true, false) => self.complaint_resolve_remote,
                    (true, true) => self.complaint_resolve_remote_complex,
                },
                Feedback | Suggestion => self.feedback_resolve,
            },
        })
    }

    /// How many extensions a stage allows, and what each adds. The denunciation intake is
    /// extended once, from 7 to 10 working days; complaints have no extension (a complex case
    /// has a longer period instead).
    pub fn extension_rule(
        &self,
        kind: ReportKind,
        anonymous: bool,
        stage: Stage,
    ) -> (u8, Option<Period>) {
        use ReportKind::*;
        match (stage, kind, anonymous) {
            (Stage::Intake, Denunciation, false) => (1, None),
            (Stage::Resolve, Denunciation, false) => (
                self.denunciation_max_extensions,
                Some(self.denunciation_extension),
            ),
            (Stage::Resolve, Denunciation, true) => (
                self.anonymous_max_extensions,
                Some(self.anonymous_extension),
            ),
            (Stage::Resolve, Feedback | Suggestion, _) => {
                (self.feedback_max_extensions, Some(self.feedback_extension))
            }
            _ => (0, None),
        }
    }

    pub fn max_extensions(&self, kind: ReportKind, anonymous: bool, stage: Stage) -> u8 {
        self.extension_rule(kind, anonymous, stage).0
    }

    /// The due date of the stage, extensions included (capped at the maximum), or `None` when
    /// the stage does not apply. Extensions of a calendar-day period add up before the
    /// day-off rule is applied once, at the end.
    pub fn due_date(&self, cal: &WorkingCalendar, input: &DeadlineInput) -> Option<Date> {
        let base = self.base_period(input)?;
        let (max, step) = self.extension_rule(input.kind, input.anonymous, input.stage);
        let ext = u32::from(input.extensions.min(max));
        if ext == 0 {
            return Some(base.due(cal, input.start));
        }
        match step {
            // The denunciation intake: 7 becomes 10 working days.
            None => Some(self.denunciation_intake_extended.due(cal, input.start)),
            Some(step) if step.count == base.count => Some(
                Period {
                    days: base.days + ext * step.days,
                    count: base.count,
                }
                .due(cal, input.start),
            ),
            // Mixed units (an admin setting): extend from the base due date.
            Some(step) => {
                let mut due = base.due(cal, input.start);
                for _ in 0..ext {
                    due = step.due(cal, due);
                }
                Some(due)
            }
        }
    }

    /// Checks an extension decision before it is recorded: the stage allows one more and a
    /// written reason is given.
    pub fn check_extension(
        &self,
        kind: ReportKind,
        anonymous: bool,
        stage: Stage,
        used: u8,
        reason: &str,
    ) -> Result<(), ApiError> {
        let max = self.max_extensions(kind, anonymous, stage);
        if max == 0 {
            return Err(ApiError::with_message(
                crate::ErrorCode::Conflict,
                format!(
                    "Thời hạn «{}» của loại đơn này không được gia hạn.",
                    stage.label(Lang::Vi)
                ),
                format!(
                    "The deadline “{}” of this kind of report cannot be extended.",
                    stage.label(Lang::En)
                ),
            ));
        }
        if used >= max {
            return Err(ApiError::with_message(
                crate::ErrorCode::Conflict,
                format!("Đã gia hạn tối đa {max} lần; không thể gia hạn thêm."),
                format!("Already extended the maximum of {max} times; no further extension."),
            ));
        }
        let mut c = Checker::new();
        c.text(
            "reason",
            ("lý do gia hạn", "reason for the extension"),
            reason,
            self.extension_reason_min_chars,
            2000,
        );
        c.finish()
    }

    /// Where a case due on `due` stands `today`.
    pub fn state(&self, cal: &WorkingCalendar, today: Date, due: Date) -> DeadlineState {
        if today > due {
            return DeadlineState::Overdue(cal.working_days_between(due, today));
        }
        let left = cal.working_days_between(today, due);
        if left <= i64::from(self.near_deadline_working_days) {
            DeadlineState::Near(left)
        } else {
            DeadlineState::OnTime(left)
        }
    }
}

/// An extension recorded as a decision (quyết định gia hạn), for the case timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ExtensionDecision {
    pub stage: Stage,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub decided_on: Date,
    /// The decision's number, when one was issued on paper.
    #[serde(default)]
    pub decision_no: Option<String>,
    pub reason: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub new_due: Date,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_admin_text_boxes_read_back_what_they_show() {
        let seeded = CalendarYear::seed(2026).unwrap();
        let (off, make_up) = seeded.to_lines();
        let back =
            CalendarYear::from_lines(2026, &off, &make_up, &seeded.source, seeded.provisional)
                .unwrap();
        assert_eq!(back, seeded);
        let err =
            CalendarYear::from_lines(2026, "30/4/2026 Giải phóng\nngày mai Tết", "", "", false)
                .unwrap_err();
        assert!(err.fields[0].message.vi.contains("Dòng 2"));
        let err =
            CalendarYear::from_lines(2026, "01/01/2027 Tết Dương lịch", "", "", false).unwrap_err();
        assert_eq!(err.fields[0].code, FieldCode::InvalidValue);
    }

    fn d(y: i32, m: u32, day: u32) -> Date {
        Date::new(y, m, day).unwrap()
    }

    #[test]
    fn civil_dates_round_trip_and_know_their_weekday() {
        assert_eq!(d(1970, 1, 1).to_days(), 0);
        assert_eq!(d(1970, 1, 1).weekday(), 4);
        assert_eq!(d(2026, 2, 12).weekday(), 4); // Thursday
        assert_eq!(d(2026, 4, 26).weekday(), 7); // Sunday
        assert_eq!(d(2027, 2, 6).weekday(), 6); // Saturday
        assert_eq!(d(2024, 2, 29).add_days(1), d(2024, 3, 1));
        assert_eq!(Date::new(2026, 2, 29), None);
        assert_eq!(Date::new(2026, 13, 1), None);
        assert_eq!(Date::parse("2026-02-12"), Some(d(2026, 2, 12)));
        assert_eq!(Date::parse("12/02/2026"), Some(d(2026, 2, 12)));
        assert_eq!(Date::parse("1/2/2026"), Some(d(2026, 2, 1)));
        assert_eq!(Date::parse("2026-2-12"), None);
        assert_eq!(Date::parse("31/02/2026"), None);
        assert_eq!(d(2026, 2, 12).format_vn(), "12/02/2026");
        let json = serde_json::to_string(&d(2026, 9, 2)).unwrap();
        assert_eq!(json, "\"2026-09-02\"");
        assert_eq!(serde_json::from_str::<Date>(&json).unwrap(), d(2026, 9, 2));
        assert!(serde_json::from_str::<Date>("\"2026-02-30\"").is_err());
    }

    #[test]
    fn vietnam_dates_from_timestamps_use_utc_plus_7() {
        // 2026-02-11T17:00:00Z is midnight of 12/02 in Vietnam.
        let ms = d(2026, 2, 11).to_days() * 86_400_000 + 17 * 3_600_000;
        assert_eq!(Date::from_unix_ms_vietnam(ms), d(2026, 2, 12));
        assert_eq!(Date::from_unix_ms_vietnam(ms - 1), d(2026, 2, 11));
    }

    #[test]
    fn seed_data_is_valid_and_matches_the_decisions() {
        let cal = WorkingCalendar::seed();
        cal.validate().unwrap();
        assert!(cal.covers(2026) && cal.covers(2027) && !cal.covers(2028));
        // New Year 2026: Thu 1/1 to Sun 4/1 off; Sat 10/1 worked.
        assert!(!cal.is_working_day(d(2026, 1, 1)));
        assert!(!cal.is_working_day(d(2026, 1, 2)));
        assert!(cal.is_working_day(d(2026, 1, 5)));
        assert_eq!(cal.day_type(d(2026, 1, 10)), DayType::MakeUp);
        assert!(cal.is_working_day(d(2026, 1, 10)));
        // Tết Bính Ngọ: 14/2 to 22/2 off, back on Mon 23/2.
        for day in 14..=22 {
            assert!(!cal.is_working_day(d(2026, 2, day)), "{day}/2/2026");
        }
        assert!(cal.is_working_day(d(2026, 2, 13)));
        assert!(cal.is_working_day(d(2026, 2, 23)));
        // Giỗ Tổ on Sunday 26/4, compensated Monday 27/4; 30/4 and 1/5.
        assert_eq!(cal.day_type(d(2026, 4, 27)), DayType::DayOff);
        assert!(cal.is_working_day(d(2026, 4, 28)));
        assert!(!cal.is_working_day(d(2026, 4, 30)));
        assert!(!cal.is_working_day(d(2026, 5, 1)));
        // Quốc khánh: Sat 29/8 to Wed 2/9 off; Sat 22/8 worked.
        for day in [29, 30, 31] {
            assert!(!cal.is_working_day(d(2026, 8, day)));
        }
        assert!(!cal.is_working_day(d(2026, 9, 1)));
        assert!(!cal.is_working_day(d(2026, 9, 2)));
        assert!(cal.is_working_day(d(2026, 9, 3)));
        assert!(cal.is_working_day(d(2026, 8, 22)));
        // 2027 plan.
        assert!(!cal.is_working_day(d(2027, 2, 11)));
        assert!(cal.is_working_day(d(2027, 2, 12)));
        assert!(!cal.is_working_day(d(2027, 5, 3)));
        assert!(
            cal.years
                .iter()
                .find(|y| y.year == 2027)
                .unwrap()
                .provisional
        );
    }

    #[test]
    fn the_2026_year_has_the_announced_25_days_of_holiday_breaks() {
        // 4 (New Year) + 9 (Tết) + 3 (Giỗ Tổ) + 4 (30/4–1/5) + 5 (Quốc khánh) days, weekends
        // included, as reported for 2026.
        let cal = WorkingCalendar::seed();
        let breaks = [
            (d(2026, 1, 1), d(2026, 1, 4)),
            (d(2026, 2, 14), d(2026, 2, 22)),
            (d(2026, 4, 25), d(2026, 4, 27)),
            (d(2026, 4, 30), d(2026, 5, 3)),
            (d(2026, 8, 29), d(2026, 9, 2)),
        ];
        let mut total = 0;
        for (a, b) in breaks {
            let mut x = a;
            while x <= b {
                assert!(!cal.is_working_day(x), "{x}");
                total += 1;
                x = x.add_days(1);
            }
            assert!(cal.is_working_day(a.add_days(-1)) || a.add_days(-1).weekday() == 7);
            assert!(cal.is_working_day(b.add_days(1)), "{}", b.add_days(1));
        }
        assert_eq!(total, 25);
    }

    #[test]
    fn a_report_received_before_tet_gets_its_reply_date_after_the_break() {
        let cal = WorkingCalendar::seed();
        let rules = DeadlineRules::default();
        let received = d(2026, 2, 12); // Thursday before Tết
        let input = DeadlineInput {
            kind: ReportKind::Feedback,
            anonymous: false,
            stage: Stage::Acknowledge,
            start: received,
            extensions: 0,
            complex: false,
            remote: false,
        };
        // Working days: Fri 13/2 (1), then Tết, then 23–27/2 (2–6), 2–5/3 (7–10).
        assert_eq!(rules.due_date(&cal, &input), Some(d(2026, 3, 5)));
        // Without the holidays it would have been Thu 26/2.
        assert_eq!(
            rules.due_date(&WorkingCalendar::default(), &input),
            Some(d(2026, 2, 26))
        );
        // Denunciation intake: 7 working days → Mon 2/3; extended to 10 → Thu 5/3; forward 5 → Thu 26/2.
        let den = DeadlineInput {
            kind: ReportKind::Denunciation,
            stage: Stage::Intake,
            ..input
        };
        assert_eq!(rules.due_date(&cal, &den), Some(d(2026, 3, 2)));
        assert_eq!(
            rules.due_date(
                &cal,
                &DeadlineInput {
                    extensions: 1,
                    ..den
                }
            ),
            Some(d(2026, 3, 5))
        );
        assert_eq!(
            rules.due_date(
                &cal,
                &DeadlineInput {
                    stage: Stage::Forward,
                    ..den
                }
            ),
            Some(d(2026, 2, 26))
        );
        // Forwarding has no clock of its own for a feedback.
        assert_eq!(
            rules.due_date(
                &cal,
                &DeadlineInput {
                    stage: Stage::Forward,
                    ..input
                }
            ),
            None
        );
    }

    #[test]
    fn calendar_day_deadlines_on_a_day_off_move_to_the_next_working_day() {
        let cal = WorkingCalendar::seed();
        let rules = DeadlineRules::default();
        // Complaint received Sat 7/2/2026: 10 days → Tue 17/2 (mùng 1 Tết) → Mon 23/2.
        let c = DeadlineInput {
            kind: ReportKind::Complaint,
            anonymous: false,
            stage: Stage::Intake,
            start: d(2026, 2, 7),
            extensions: 0,
            complex: false,
            remote: false,
        };
        assert_eq!(rules.due_date(&cal, &c), Some(d(2026, 2, 23)));
        // Denunciation accepted Thu 22/1/2026: 30 days → Sat 21/2 (Tết) → Mon 23/2;
        // once extended: 60 days → Mon 23/3; twice: 90 days → Wed 22/4; a third is capped.
        let den = DeadlineInput {
            kind: ReportKind::Denunciation,
            stage: Stage::Resolve,
            start: d(2026, 1, 22),
            ..c
        };
        assert_eq!(rules.due_date(&cal, &den), Some(d(2026, 2, 23)));
        let ext = |n| {
            rules
                .due_date(
                    &cal,
                    &DeadlineInput {
                        extensions: n,
                        ..den
                    },
                )
                .unwrap()
        };
        assert_eq!(ext(1), d(2026, 3, 23));
        assert_eq!(ext(2), d(2026, 4, 22));
        assert_eq!(ext(3), ext(2));
        // Complaint resolve: 30 / 45 complex / 45 remote / 60 remote and complex.
        let start = d(2026, 3, 2);
        let cr = |complex, remote| {
            rules
                .due_date(
                    &cal,
                    &DeadlineInput {
                        stage: Stage::Resolve,
                        start,
                        complex,
                        remote,
                        ..c
                    },
                )
                .unwrap()
        };
        assert_eq!(cr(false, false), d(2026, 4, 1));
        assert_eq!(cr(true, false), d(2026, 4, 16));
        assert_eq!(cr(false, true), d(2026, 4, 16));
        // 60 days → Fri 1/5 (holiday) → Sat, Sun → Mon 4/5.
        assert_eq!(cr(true, true), d(2026, 5, 4));
    }

    #[test]
    fn extensions_are_capped_and_need_a_reason() {
        let r = DeadlineRules::default();
        let den = ReportKind::Denunciation;
        assert!(r
            .check_extension(
                den,
                false,
                Stage::Resolve,
                0,
                "Vụ việc phức tạp, cần xác minh thêm"
            )
            .is_ok());
        assert!(r
            .check_extension(den, false, Stage::Resolve, 1, "Vụ việc đặc biệt phức tạp")
            .is_ok());
        let e = r
            .check_extension(den, false, Stage::Resolve, 2, "Vụ việc đặc biệt phức tạp")
            .unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::Conflict);
        let e = r
            .check_extension(den, false, Stage::Resolve, 0, "  ")
            .unwrap_err();
        assert_eq!(e.fields[0].field, "reason");
        assert!(r
            .check_extension(den, false, Stage::Intake, 0, "Cần xác minh thêm thông tin")
            .is_ok());
        assert!(r
            .check_extension(den, false, Stage::Intake, 1, "Cần xác minh thêm thông tin")
            .is_err());
        let e = r
            .check_extension(
                ReportKind::Complaint,
                false,
                Stage::Resolve,
                0,
                "Vụ việc phức tạp",
            )
            .unwrap_err();
        assert!(e.message.vi.contains("không được gia hạn"));
        assert_eq!(r.max_extensions(den, true, Stage::Resolve), 1);
        assert_eq!(
            r.max_extensions(ReportKind::Feedback, false, Stage::Resolve),
            1
        );
    }

    #[test]
    fn deadline_state_counts_working_days() {
        let cal = WorkingCalendar::seed();
        let r = DeadlineRules::default();
        let due = d(2026, 3, 5);
        assert_eq!(
            r.state(&cal, d(2026, 2, 12), due),
            DeadlineState::OnTime(10)
        );
        assert_eq!(r.state(&cal, d(2026, 3, 3), due), DeadlineState::Near(2));
        assert_eq!(r.state(&cal, due, due), DeadlineState::Near(0));
        assert_eq!(r.state(&cal, d(2026, 3, 9), due), DeadlineState::Overdue(2));
        assert_eq!(
            DeadlineState::Overdue(2).label(Lang::Vi),
            "Quá hạn 2 ngày làm việc"
        );
    }

    #[test]
    fn rules_and_calendars_are_plain_serde_data() {
        let r = DeadlineRules::default();
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<DeadlineRules>(&json).unwrap(), r);
        // Missing settings take their defaults.
        let partial: DeadlineRules =
            serde_json::from_str(r#"{"feedback_resolve":{"days":20,"count":"calendar"}}"#).unwrap();
        assert_eq!(partial.feedback_resolve, Period::calendar(20));
        assert_eq!(partial.acknowledge, Period::working(10));
        let cal = WorkingCalendar::seed();
        let json = serde_json::to_string(&cal).unwrap();
        assert_eq!(serde_json::from_str::<WorkingCalendar>(&json).unwrap(), cal);
        let empty: WorkingCalendar = serde_json::from_str("{}").unwrap();
        assert_eq!(empty, WorkingCalendar::default());
    }

    #[test]
    fn validation_refuses_bad_calendar_edits() {
        let mut cal = WorkingCalendar::seed();
        cal.weekend = vec![1, 2, 3, 4, 5, 6, 7];
        cal.years[0]
            .days_off
            .push(off(ymd(2027, 1, 1), "Sai năm", "Wrong year"));
        cal.years[0]
            .make_up_days
            .push(make_up(ymd(2026, 1, 1), " ", ""));
        let err = cal.validate().unwrap_err();
        let fields: Vec<&str> = err.fields.iter().map(|f| f.field.as_str()).collect();
        assert!(fields.contains(&"weekend"));
        assert!(fields.contains(&"years[0].days_off[14].date"));
        assert!(fields.contains(&"years[0].make_up_days[2].date"));
        assert!(fields.contains(&"years[0].make_up_days[2].note_vi"));
        // Even an invalid all-week weekend keeps the arithmetic total.
        let start = d(2026, 3, 2);
        assert!(cal.add_working_days(start, 5) > start);
    }

    /// 2025-12-01 … 2028-01-31: the seeded years and a margin either side.
    fn any_date() -> impl Strategy<Value = Date> {
        let lo = d(2025, 12, 1).to_days();
        let hi = d(2028, 1, 31).to_days();
        (lo..=hi).prop_map(Date::from_days)
    }

    proptest! {
        #[test]
        fn adding_then_counting_back_agree(start in any_date(), n in 0u32..200) {
            let cal = WorkingCalendar::seed();
            let end = cal.add_working_days(start, n);
            prop_assert_eq!(cal.working_days_between(start, end), i64::from(n));
            prop_assert_eq!(cal.working_days_between(end, start), -i64::from(n));
        }

        #[test]
        fn a_working_day_deadline_is_never_a_day_off(start in any_date(), n in 1u32..200) {
            let cal = WorkingCalendar::seed();
            let end = cal.add_working_days(start, n);
            prop_assert!(cal.is_working_day(end));
            prop_assert!(cal.day_off(end).is_none());
            // A weekend day only when the government made it a make-up working day.
            if DEFAULT_WEEKEND.contains(&end.weekday()) {
                prop_assert!(cal.make_up_day(end).is_some());
            }
        }

        #[test]
        fn a_calendar_day_deadline_is_never_a_day_off(start in any_date(), n in 0u32..200) {
            let cal = WorkingCalendar::seed();
            let end = cal.add_calendar_days(start, n);
            prop_assert!(cal.is_working_day(end));
            prop_assert!(end >= start.add_days(i64::from(n)));
            // It moved only over days off.
            let mut x = start.add_days(i64::from(n));
            while x < end {
                prop_assert!(!cal.is_working_day(x));
                x = x.add_days(1);
            }
        }

        #[test]
        fn adding_working_days_is_strictly_monotonic(start in any_date(), n in 0u32..200) {
            let cal = WorkingCalendar::seed();
            let a = cal.add_working_days(start, n);
            let b = cal.add_working_days(start, n + 1);
            prop_assert!(a < b);
            // Every day strictly between them is a day off.
            let mut x = a.add_days(1);
            while x < b {
                prop_assert!(!cal.is_working_day(x));
                x = x.add_days(1);
            }
        }

        #[test]
        fn civil_date_arithmetic_round_trips(days in -25_567i64..2_900_000) {
            let x = Date::from_days(days);
            let y = Date::new(x.year(), x.month(), x.day()).unwrap();
            prop_assert_eq!(x, y);
            prop_assert_eq!(Date::parse(&x.iso()), Some(x));
            prop_assert_eq!(Date::parse(&x.format_vn()), Some(x));
        }
    }
}
