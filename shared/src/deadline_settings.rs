//! The deadline settings ([`DeadlineRules`]) as an administrator edits them: each period with
//! the law behind it and the longest the law allows, the extension caps, and the checks a change
//! must pass before it is saved. The server refuses with these errors and the settings page
//! shows each one under the setting at fault.
//!
//! The rule for a period the law fixes: the setting may not end later than the law's. So
//! - at most the law's number of days;
//! - where the law counts in working days, counting calendar days instead is allowed (N calendar
//!   days, moved to the next working day when they end on a day off, never end after N working
//!   days);
//! - where the law says "ngày", the Civil Code 2015 (arts. 144–148) counts calendar days, and
//!   counting working days instead would end later than the law allows: refused.
//!
//! Periods the law leaves open (anonymous denunciations, feedback and suggestions) take 1 to
//! [`MAX_SETTING_DAYS`] days either way.

use crate::calendar::{DayCount, DeadlineRules, Period};
use crate::error::ApiError;
use crate::validate::Checker;
use crate::workflow::REASON_MIN_CHARS;
use crate::{FieldCode, Lang};
use std::collections::BTreeMap;

/// The longest period a setting the law leaves open may take: a quarter of a year is longer
/// than any unit's practice, and a slip of the keyboard (150 for 15) is caught.
pub const MAX_SETTING_DAYS: u32 = 90;
/// The most extensions a setting the law leaves open may allow.
pub const MAX_EXTENSIONS_NOT_STATUTORY: u32 = 3;
/// The most working days before the due date a case may be flagged "near its deadline": more
/// would flag most open cases and the flag would mean nothing.
pub const MAX_NEAR_DEADLINE_WORKING_DAYS: u32 = 10;
/// The longest minimum length of an extension's reason (characters).
pub const MAX_REASON_MIN_CHARS: usize = 500;

impl DayCount {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            DayCount::Working => lang.pick("Ngày làm việc", "Working days"),
            DayCount::Calendar => lang.pick("Ngày (theo lịch)", "Calendar days"),
        }
    }
}

/// Which report kinds a setting is about (the settings page groups them so).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SettingGroup {
    AnyReport,
    Denunciation,
    AnonymousDenunciation,
    Complaint,
    Feedback,
    Flags,
}

impl SettingGroup {
    pub const ALL: &'static [SettingGroup] = &[
        SettingGroup::AnyReport,
        SettingGroup::Denunciation,
        SettingGroup::AnonymousDenunciation,
        SettingGroup::Complaint,
        SettingGroup::Feedback,
        SettingGroup::Flags,
    ];

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            SettingGroup::AnyReport => lang.pick("Mọi loại đơn", "Every report"),
            SettingGroup::Denunciation => lang.pick("Tố cáo", "Denunciations"),
            SettingGroup::AnonymousDenunciation => {
                lang.pick("Tố cáo nặc danh", "Anonymous denunciations")
            }
            SettingGroup::Complaint => lang.pick("Khiếu nại", "Complaints"),
            SettingGroup::Feedback => lang.pick("Phản ánh, kiến nghị", "Feedback and suggestions"),
            SettingGroup::Flags => lang.pick("Cảnh báo", "Flags"),
        }
    }
}

/// One period of [`DeadlineRules`].
pub struct PeriodSetting {
    /// The field of [`DeadlineRules`]: the JSON name, the form's prefix and the error's field.
    pub key: &'static str,
    pub group: SettingGroup,
    label: (&'static str, &'static str),
    basis: (&'static str, &'static str),
    /// The longest the law allows, when the law sets the period.
    pub statutory: Option<Period>,
    pub get: fn(&DeadlineRules) -> Period,
    pub get_mut: fn(&mut DeadlineRules) -> &mut Period,
}

impl PeriodSetting {
    pub fn label(&self, lang: Lang) -> &'static str {
        lang.pick(self.label.0, self.label.1)
    }

    /// The law (article) behind the period, or why there is none.
    pub fn basis(&self, lang: Lang) -> &'static str {
        lang.pick(self.basis.0, self.basis.1)
    }

    /// The form field of the number of days.
    pub fn days_field(&self) -> String {
        format!("{}_days", self.key)
    }

    /// The form field of how days are counted (`working` or `calendar`).
    pub fn count_field(&self) -> String {
        format!("{}_count", self.key)
    }

    /// The longest this setting may be, in days of `count`: the law's limit, or
    /// [`MAX_SETTING_DAYS`] when the law sets none. `None`: the law does not allow counting
    /// this way.
    pub fn max_days(&self, count: DayCount) -> Option<u32> {
        match self.statutory {
            None => Some(MAX_SETTING_DAYS),
            Some(law) if law.count == DayCount::Calendar && count == DayCount::Working => None,
            Some(law) => Some(law.days),
        }
    }
}

/// A whole-number setting of [`DeadlineRules`] (the extension caps, the near-deadline flag).
pub struct NumberSetting {
    pub key: &'static str,
    pub group: SettingGroup,
    label: (&'static str, &'static str),
    basis: (&'static str, &'static str),
    /// The largest value accepted (the law's, when `statutory`).
    pub max: u32,
    pub statutory: bool,
    pub get: fn(&DeadlineRules) -> u32,
    pub set: fn(&mut DeadlineRules, u32),
}

impl NumberSetting {
    pub fn label(&self, lang: Lang) -> &'static str {
        lang.pick(self.label.0, self.label.1)
    }

    pub fn basis(&self, lang: Lang) -> &'static str {
        lang.pick(self.basis.0, self.basis.1)
    }
}

const CITIZEN_RECEPTION_28: (&str, &str) = (
    "Luật Tiếp công dân 2013, Điều 28",
    "Law on Citizen Reception 2013, art. 28",
);
const DENUNCIATIONS_24_1: (&str, &str) = (
    "Luật Tố cáo 2018, Điều 24 khoản 1",
    "Law on Denunciations 2018, art. 24(1)",
);
const DENUNCIATIONS_24_2: (&str, &str) = (
    "Luật Tố cáo 2018, Điều 24 khoản 2",
    "Law on Denunciations 2018, art. 24(2)",
);
const DENUNCIATIONS_30_1: (&str, &str) = (
    "Luật Tố cáo 2018, Điều 30 khoản 1",
    "Law on Denunciations 2018, art. 30(1)",
);
const DENUNCIATIONS_25: (&str, &str) = (
    "Luật Tố cáo 2018, Điều 25: tố cáo nặc danh không phải là tố cáo; luật không quy định thời hạn, đơn vị tự quy định",
    "Law on Denunciations 2018, art. 25: an anonymous denunciation is not a denunciation; no statutory period, the platform's setting",
);
const COMPLAINTS_27: (&str, &str) = (
    "Luật Khiếu nại 2011, Điều 27",
    "Law on Complaints 2011, art. 27",
);
const COMPLAINTS_28: (&str, &str) = (
    "Luật Khiếu nại 2011, Điều 28",
    "Law on Complaints 2011, art. 28",
);
const NO_STATUTORY_PERIOD: (&str, &str) = (
    "Không có thời hạn luật định chung; đơn vị tự quy định",
    "No single statutory period; the platform's setting",
);

/// Every period of [`DeadlineRules`], in the order the settings page shows them.
pub const PERIOD_SETTINGS: &[PeriodSetting] = &[
    PeriodSetting {
        key: "acknowledge",
        group: SettingGroup::AnyReport,
        label: (
            "Thông báo thụ lý, không thụ lý hoặc chuyển đơn (kể từ ngày nhận)",
            "Tell the citizen: accepted, declined or forwarded (from receipt)",
        ),
        basis: CITIZEN_RECEPTION_28,
        statutory: Some(Period::working(10)),
        get: |r| r.acknowledge,
        get_mut: |r| &mut r.acknowledge,
    },
    PeriodSetting {
        key: "denunciation_intake",
        group: SettingGroup::Denunciation,
        label: (
            "Quyết định thụ lý tố cáo (kể từ ngày nhận)",
            "Decide whether to accept a denunciation (from receipt)",
        ),
        basis: DENUNCIATIONS_24_1,
        statutory: Some(Period::working(7)),
        get: |r| r.denunciation_intake,
        get_mut: |r| &mut r.denunciation_intake,
    },
    PeriodSetting {
        key: "denunciation_intake_extended",
        group: SettingGroup::Denunciation,
        label: (
            "Quyết định thụ lý tố cáo khi phải xác minh (đã gia hạn)",
            "Decide whether to accept when verification is needed (extended)",
        ),
        basis: DENUNCIATIONS_24_1,
        statutory: Some(Period::working(10)),
        get: |r| r.denunciation_intake_extended,
        get_mut: |r| &mut r.denunciation_intake_extended,
    },
    PeriodSetting {
        key: "denunciation_forward",
        group: SettingGroup::Denunciation,
        label: (
            "Chuyển tố cáo không thuộc thẩm quyền và báo người tố cáo",
            "Forward a denunciation outside the unit's competence and tell the reporter",
        ),
        basis: DENUNCIATIONS_24_2,
        statutory: Some(Period::working(5)),
        get: |r| r.denunciation_forward,
        get_mut: |r| &mut r.denunciation_forward,
    },
    PeriodSetting {
        key: "denunciation_resolve",
        group: SettingGroup::Denunciation,
        label: (
            "Giải quyết tố cáo (kể từ ngày thụ lý)",
            "Resolve a denunciation (from acceptance)",
        ),
        basis: DENUNCIATIONS_30_1,
        statutory: Some(Period::calendar(30)),
        get: |r| r.denunciation_resolve,
        get_mut: |r| &mut r.denunciation_resolve,
    },
    PeriodSetting {
        key: "denunciation_extension",
        group: SettingGroup::Denunciation,
        label: (
            "Mỗi lần gia hạn giải quyết tố cáo",
            "Each extension of a denunciation's resolution",
        ),
        basis: DENUNCIATIONS_30_1,
        statutory: Some(Period::calendar(30)),
        get: |r| r.denunciation_extension,
        get_mut: |r| &mut r.denunciation_extension,
    },
    PeriodSetting {
        key: "anonymous_review",
        group: SettingGroup::AnonymousDenunciation,
        label: (
            "Xem xét thông tin tố cáo nặc danh (kể từ ngày thụ lý)",
            "Review the information of an anonymous denunciation (from acceptance)",
        ),
        basis: DENUNCIATIONS_25,
        statutory: None,
        get: |r| r.anonymous_review,
        get_mut: |r| &mut r.anonymous_review,
    },
    PeriodSetting {
        key: "anonymous_extension",
        group: SettingGroup::AnonymousDenunciation,
        label: (
            "Mỗi lần gia hạn xem xét tố cáo nặc danh",
            "Each extension of an anonymous denunciation's review",
        ),
        basis: DENUNCIATIONS_25,
        statutory: None,
        get: |r| r.anonymous_extension,
        get_mut: |r| &mut r.anonymous_extension,
    },
    PeriodSetting {
        key: "complaint_accept",
        group: SettingGroup::Complaint,
        label: (
            "Thụ lý hoặc không thụ lý khiếu nại (kể từ ngày nhận)",
            "Accept or refuse a complaint (from receipt)",
        ),
        basis: COMPLAINTS_27,
        statutory: Some(Period::calendar(10)),
        get: |r| r.complaint_accept,
        get_mut: |r| &mut r.complaint_accept,
    },
    PeriodSetting {
        key: "complaint_resolve",
        group: SettingGroup::Complaint,
        label: (
            "Giải quyết khiếu nại (kể từ ngày thụ lý)",
            "Resolve a complaint (from acceptance)",
        ),
        basis: COMPLAINTS_28,
        statutory: Some(Period::calendar(30)),
        get: |r| r.complaint_resolve,
        get_mut: |r| &mut r.complaint_resolve,
    },
    PeriodSetting {
        key: "complaint_resolve_complex",
        group: SettingGroup::Complaint,
        label: (
            "Giải quyết khiếu nại: vụ việc phức tạp",
            "Resolve a complaint: complex case",
        ),
        basis: COMPLAINTS_28,
        statutory: Some(Period::calendar(45)),
        get: |r| r.complaint_resolve_complex,
        get_mut: |r| &mut r.complaint_resolve_complex,
    },
    PeriodSetting {
        key: "complaint_resolve_remote",
        group: SettingGroup::Complaint,
        label: (
            "Giải quyết khiếu nại ở vùng sâu, vùng xa, đi lại khó khăn",
            "Resolve a complaint in a remote and difficult area",
        ),
        basis: COMPLAINTS_28,
        statutory: Some(Period::calendar(45)),
        get: |r| r.complaint_resolve_remote,
        get_mut: |r| &mut r.complaint_resolve_remote,
    },
    PeriodSetting {
        key: "complaint_resolve_remote_complex",
        group: SettingGroup::Complaint,
        label: (
            "Giải quyết khiếu nại ở vùng sâu, vùng xa: vụ việc phức tạp",
            "Resolve a complaint in a remote and difficult area: complex case",
        ),
        basis: COMPLAINTS_28,
        statutory: Some(Period::calendar(60)),
        get: |r| r.complaint_resolve_remote_complex,
        get_mut: |r| &mut r.complaint_resolve_remote_complex,
    },
    PeriodSetting {
        key: "feedback_resolve",
        group: SettingGroup::Feedback,
        label: (
            "Giải quyết phản ánh, kiến nghị (kể từ ngày thụ lý)",
            "Resolve feedback and suggestions (from acceptance)",
        ),
        basis: NO_STATUTORY_PERIOD,
        statutory: None,
        get: |r| r.feedback_resolve,
        get_mut: |r| &mut r.feedback_resolve,
    },
    PeriodSetting {
        key: "feedback_extension",
        group: SettingGroup::Feedback,
        label: (
            "Mỗi lần gia hạn giải quyết phản ánh, kiến nghị",
            "Each extension of feedback and suggestions",
        ),
        basis: NO_STATUTORY_PERIOD,
        statutory: None,
        get: |r| r.feedback_extension,
        get_mut: |r| &mut r.feedback_extension,
    },
];

/// The extension caps and the near-deadline flag, in the order the settings page shows them.
pub const NUMBER_SETTINGS: &[NumberSetting] = &[
    NumberSetting {
        key: "denunciation_max_extensions",
        group: SettingGroup::Denunciation,
        label: (
            "Số lần gia hạn giải quyết tố cáo tối đa",
            "Most extensions of a denunciation's resolution",
        ),
        // Once for a complex case, twice for a very complex one: never more.
        basis: DENUNCIATIONS_30_1,
        max: 2,
        statutory: true,
        get: |r| u32::from(r.denunciation_max_extensions),
        set: |r, v| r.denunciation_max_extensions = u8::try_from(v).unwrap_or(u8::MAX),
    },
    NumberSetting {
        key: "anonymous_max_extensions",
        group: SettingGroup::AnonymousDenunciation,
        label: (
            "Số lần gia hạn xem xét tố cáo nặc danh tối đa",
            "Most extensions of an anonymous denunciation's review",
        ),
        basis: DENUNCIATIONS_25,
        max: MAX_EXTENSIONS_NOT_STATUTORY,
        statutory: false,
        get: |r| u32::from(r.anonymous_max_extensions),
        set: |r, v| r.anonymous_max_extensions = u8::try_from(v).unwrap_or(u8::MAX),
    },
    NumberSetting {
        key: "feedback_max_extensions",
        group: SettingGroup::Feedback,
        label: (
            "Số lần gia hạn giải quyết phản ánh, kiến nghị tối đa",
            "Most extensions of feedback and suggestions",
        ),
        basis: NO_STATUTORY_PERIOD,
        max: MAX_EXTENSIONS_NOT_STATUTORY,
        statutory: false,
        get: |r| u32::from(r.feedback_max_extensions),
        set: |r, v| r.feedback_max_extensions = u8::try_from(v).unwrap_or(u8::MAX),
    },
    NumberSetting {
        key: "near_deadline_working_days",
        group: SettingGroup::Flags,
        label: (
            "Cảnh báo «sắp đến hạn» khi còn số ngày làm việc",
            "Flag a case “due soon” with this many working days left",
        ),
        basis: (
            "Cài đặt của hệ thống (0: chỉ cảnh báo vào ngày đến hạn)",
            "A platform setting (0: flag on the due day only)",
        ),
        max: MAX_NEAR_DEADLINE_WORKING_DAYS,
        statutory: false,
        get: |r| r.near_deadline_working_days,
        set: |r, v| r.near_deadline_working_days = v,
    },
];

/// Every field name of [`DeadlineRules`] (the API refuses a body with any other).
pub fn field_names() -> impl Iterator<Item = &'static str> {
    PERIOD_SETTINGS
        .iter()
        .map(|s| s.key)
        .chain(NUMBER_SETTINGS.iter().map(|s| s.key))
        .chain(std::iter::once("extension_reason_min_chars"))
}

/// Refuses a settings body naming a setting that does not exist: [`DeadlineRules`] fills in
/// what is missing with the law's values, so a misspelt setting would otherwise be dropped in
/// silence and the law's value saved in its place.
pub fn check_field_names<'a>(keys: impl IntoIterator<Item = &'a str>) -> Result<(), ApiError> {
    let mut c = Checker::new();
    for k in keys {
        if !field_names().any(|n| n == k) {
            c.push(
                k,
                FieldCode::InvalidValue,
                format!("Không có thiết lập thời hạn «{k}»."),
                format!("There is no deadline setting “{k}”."),
            );
        }
    }
    c.finish()
}

fn period_setting(key: &str) -> &'static PeriodSetting {
    PERIOD_SETTINGS
        .iter()
        .find(|s| s.key == key)
        .expect("a period setting of DeadlineRules")
}

/// "«Label»" / "“Label”", for messages.
fn quoted(s: &PeriodSetting) -> (String, String) {
    (
        format!("«{}»", s.label(Lang::Vi)),
        format!("“{}”", s.label(Lang::En)),
    )
}

impl DeadlineRules {
    /// Checks edited settings before they are saved: every period within the law (see the
    /// module's rule) or within sane bounds, the longer periods no shorter than the ones they
    /// lengthen, the caps within the law. Names every setting at fault.
    pub fn validate(&self) -> Result<(), ApiError> {
        let mut c = Checker::new();
        for s in PERIOD_SETTINGS {
            check_period(&mut c, s, (s.get)(self));
        }
        // A longer period must not be shorter than the one it lengthens, or deciding that a
        // denunciation needs verification, a complaint is complex or a unit is remote would
        // bring the date forward.
        let not_shorter = [
            ("denunciation_intake_extended", "denunciation_intake"),
            ("complaint_resolve_complex", "complaint_resolve"),
            ("complaint_resolve_remote", "complaint_resolve"),
            (
                "complaint_resolve_remote_complex",
                "complaint_resolve_complex",
            ),
            (
                "complaint_resolve_remote_complex",
                "complaint_resolve_remote",
            ),
        ];
        for (longer, shorter) in not_shorter {
            if c.errors
                .iter()
                .any(|e| e.field == longer || e.field == shorter)
            {
                continue;
            }
            let (l, s) = (period_setting(longer), period_setting(shorter));
            let (lp, sp) = ((l.get)(self), (s.get)(self));
            if lp.count != sp.count || lp.days < sp.days {
                let (lv, le) = quoted(l);
                let (sv, se) = quoted(s);
                c.push(
                    longer,
                    FieldCode::InvalidValue,
                    format!("{lv} phải tính cùng loại ngày và không được ngắn hơn {sv} ({}).", sp.describe(Lang::Vi)),
                    format!("{le} must count the same kind of days as {se} and must not be shorter ({}).", sp.describe(Lang::En)),
                );
            }
        }
        for s in NUMBER_SETTINGS {
            let v = (s.get)(self);
            if v > s.max {
                let (vi, en) = if s.statutory {
                    (
                        format!(
                            "«{}»: luật cho phép tối đa {} ({}).",
                            s.label(Lang::Vi),
                            s.max,
                            s.basis(Lang::Vi)
                        ),
                        format!(
                            "“{}”: the law allows at most {} ({}).",
                            s.label(Lang::En),
                            s.max,
                            s.basis(Lang::En)
                        ),
                    )
                } else {
                    (
                        format!("«{}»: phải từ 0 đến {}.", s.label(Lang::Vi), s.max),
                        format!("“{}”: must be between 0 and {}.", s.label(Lang::En), s.max),
                    )
                };
                c.push(s.key, FieldCode::InvalidValue, vi, en);
            }
        }
        if !(REASON_MIN_CHARS..=MAX_REASON_MIN_CHARS).contains(&self.extension_reason_min_chars) {
            c.push(
                "extension_reason_min_chars",
                FieldCode::InvalidValue,
                format!("Độ dài tối thiểu của lý do gia hạn phải từ {REASON_MIN_CHARS} đến {MAX_REASON_MIN_CHARS} ký tự."),
                format!("The shortest reason for an extension must be between {REASON_MIN_CHARS} and {MAX_REASON_MIN_CHARS} characters."),
            );
        }
        c.finish()
    }

    /// Reads the settings page's form back: `{key}_days` and `{key}_count` for each period,
    /// `{key}` for each number. A setting the form leaves out keeps its value in `base` (the
    /// settings as stored); the result is then checked with [`DeadlineRules::validate`].
    pub fn from_form(
        base: &DeadlineRules,
        form: &BTreeMap<String, String>,
    ) -> Result<DeadlineRules, ApiError> {
        let mut rules = base.clone();
        let mut c = Checker::new();
        let number = |c: &mut Checker, key: &str, label: &str, label_en: &str, raw: &str| {
            let raw = raw.trim();
            match raw.parse::<u32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    c.push(
                        key,
                        FieldCode::InvalidFormat,
                        format!("«{label}»: «{raw}» không phải là một số nguyên không âm."),
                        format!("“{label_en}”: “{raw}” is not a whole number."),
                    );
                    None
                }
            }
        };
        for s in PERIOD_SETTINGS {
            let period = (s.get_mut)(&mut rules);
            if let Some(raw) = form.get(&s.days_field()) {
                if let Some(days) = number(&mut c, s.key, s.label.0, s.label.1, raw) {
                    period.days = days;
                }
            }
            if let Some(raw) = form.get(&s.count_field()) {
                match raw.trim() {
                    "working" => period.count = DayCount::Working,
                    "calendar" => period.count = DayCount::Calendar,
                    _ => c.push(
                        s.key,
                        FieldCode::InvalidValue,
                        format!(
                            "«{}»: vui lòng chọn ngày làm việc hoặc ngày theo lịch.",
                            s.label(Lang::Vi)
                        ),
                        format!(
                            "“{}”: please choose working days or calendar days.",
                            s.label(Lang::En)
                        ),
                    ),
                }
            }
        }
        for s in NUMBER_SETTINGS {
            if let Some(raw) = form.get(s.key) {
                if let Some(n) = number(&mut c, s.key, s.label.0, s.label.1, raw) {
                    (s.set)(&mut rules, n);
                }
            }
        }
        c.finish()?;
        rules.validate()?;
        Ok(rules)
    }
}

fn check_period(c: &mut Checker, s: &PeriodSetting, p: Period) {
    let (vi, en) = quoted(s);
    match s.max_days(p.count) {
        None => c.push(
            s.key,
            FieldCode::InvalidValue,
            format!(
                "{vi}: luật tính theo ngày ({}), kể cả ngày nghỉ; tính theo ngày làm việc sẽ dài hơn mức luật cho phép.",
                s.basis(Lang::Vi)
            ),
            format!(
                "{en}: the law counts calendar days ({}); counting working days would run longer than the law allows.",
                s.basis(Lang::En)
            ),
        ),
        Some(max) if !(1..=max).contains(&p.days) => match s.statutory {
            Some(law) => c.push(
                s.key,
                FieldCode::InvalidValue,
                format!(
                    "{vi}: từ 1 đến {max} ngày; luật cho phép tối đa {} ({}).",
                    law.describe(Lang::Vi),
                    s.basis(Lang::Vi)
                ),
                format!(
                    "{en}: between 1 and {max} days; the law allows at most {} ({}).",
                    law.describe(Lang::En),
                    s.basis(Lang::En)
                ),
            ),
            None => c.push(
                s.key,
                FieldCode::InvalidValue,
                format!("{vi}: số ngày phải từ 1 đến {max}."),
                format!("{en}: the number of days must be between 1 and {max}."),
            ),
        },
        Some(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{Date, DeadlineInput, Stage, WorkingCalendar};
    use crate::report::ReportKind;
    use proptest::prelude::*;

    fn fields(e: &ApiError) -> Vec<&str> {
        e.fields.iter().map(|f| f.field.as_str()).collect()
    }

    #[test]
    fn the_law_s_values_are_valid_and_every_field_has_a_setting() {
        let r = DeadlineRules::default();
        r.validate().unwrap();
        // Each period of the law sits exactly at the law's limit.
        for s in PERIOD_SETTINGS {
            if let Some(law) = s.statutory {
                assert_eq!((s.get)(&r), law, "{}", s.key);
            }
        }
        // The table covers every field of the struct, once.
        let json = serde_json::to_value(&r).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        let mut names: Vec<&str> = field_names().collect();
        keys.sort();
        names.sort();
        assert_eq!(keys, names);
        check_field_names(names.iter().copied()).unwrap();
        let e = check_field_names(["feedback_resolve", "feedback_resolv"]).unwrap_err();
        assert_eq!(fields(&e), ["feedback_resolv"]);
    }

    #[test]
    fn a_statutory_period_cannot_be_set_longer_than_the_law() {
        // A denunciation's intake decision: 7 working days (art. 24(1)); 8 is refused, 5 is fine,
        // and 7 calendar days (never longer) too.
        let mut r = DeadlineRules {
            denunciation_intake: Period::working(8),
            ..DeadlineRules::default()
        };
        let e = r.validate().unwrap_err();
        assert_eq!(fields(&e), ["denunciation_intake"]);
        let f = &e.fields[0];
        assert!(f.message.vi.contains("7 ngày làm việc"), "{}", f.message.vi);
        assert!(f.message.vi.contains("Điều 24"));
        assert!(f.message.en.contains("7 working days"), "{}", f.message.en);
        r.denunciation_intake = Period::working(5);
        r.validate().unwrap();
        r.denunciation_intake = Period::calendar(7);
        r.denunciation_intake_extended = Period::calendar(10);
        r.validate().unwrap();
        // Resolving a complaint: 30 days; 31 is refused, and so are 30 working days.
        for p in [Period::calendar(31), Period::working(30)] {
            let r = DeadlineRules {
                complaint_resolve: p,
                ..DeadlineRules::default()
            };
            let e = r.validate().unwrap_err();
            assert_eq!(fields(&e), ["complaint_resolve"], "{p:?}");
        }
        // The denunciation's extensions: twice at most (art. 30(1)).
        let r = DeadlineRules {
            denunciation_max_extensions: 3,
            ..DeadlineRules::default()
        };
        let e = r.validate().unwrap_err();
        assert_eq!(fields(&e), ["denunciation_max_extensions"]);
        assert!(e.fields[0].message.vi.contains("tối đa 2"));
    }

    #[test]
    fn settings_the_law_leaves_open_take_sane_values() {
        let ok = DeadlineRules {
            feedback_resolve: Period::calendar(MAX_SETTING_DAYS),
            anonymous_review: Period::working(1),
            feedback_max_extensions: 3,
            near_deadline_working_days: 0,
            ..DeadlineRules::default()
        };
        ok.validate().unwrap();
        let bad = DeadlineRules {
            feedback_resolve: Period::working(0),
            feedback_extension: Period::calendar(MAX_SETTING_DAYS + 1),
            anonymous_max_extensions: 4,
            near_deadline_working_days: 11,
            extension_reason_min_chars: 2,
            ..DeadlineRules::default()
        };
        let e = bad.validate().unwrap_err();
        assert_eq!(
            fields(&e),
            [
                "feedback_resolve",
                "feedback_extension",
                "anonymous_max_extensions",
                "near_deadline_working_days",
                "extension_reason_min_chars"
            ]
        );
        for f in &e.fields {
            assert!(!f.message.vi.is_empty() && !f.message.en.is_empty());
        }
    }

    #[test]
    fn a_longer_period_is_never_shorter_than_the_one_it_lengthens() {
        let r = DeadlineRules {
            complaint_resolve: Period::calendar(30),
            complaint_resolve_complex: Period::calendar(20),
            denunciation_intake_extended: Period::calendar(10),
            ..DeadlineRules::default()
        };
        let e = r.validate().unwrap_err();
        // (The remote complex period is then compared with the remote one only.)
        assert_eq!(
            fields(&e),
            ["denunciation_intake_extended", "complaint_resolve_complex"]
        );
        // A shorter complex period is fine as long as the order holds.
        let r = DeadlineRules {
            complaint_resolve: Period::calendar(20),
            complaint_resolve_complex: Period::calendar(30),
            ..DeadlineRules::default()
        };
        r.validate().unwrap();
    }

    #[test]
    fn the_form_reads_back_what_the_page_shows_and_names_each_bad_field() {
        let base = DeadlineRules::default();
        let mut form = BTreeMap::new();
        for s in PERIOD_SETTINGS {
            let p = (s.get)(&base);
            form.insert(s.days_field(), p.days.to_string());
            let count = match p.count {
                DayCount::Working => "working",
                DayCount::Calendar => "calendar",
            };
            form.insert(s.count_field(), count.to_string());
        }
        for s in NUMBER_SETTINGS {
            form.insert(s.key.to_string(), (s.get)(&base).to_string());
        }
        assert_eq!(DeadlineRules::from_form(&base, &form).unwrap(), base);

        let mut edited = form.clone();
        edited.insert("feedback_resolve_days".into(), " 20 ".into());
        edited.insert("feedback_resolve_count".into(), "calendar".into());
        let rules = DeadlineRules::from_form(&base, &edited).unwrap();
        assert_eq!(rules.feedback_resolve, Period::calendar(20));
        // A setting the form leaves out keeps its stored value.
        let kept = DeadlineRules {
            extension_reason_min_chars: 20,
            ..base.clone()
        };
        assert_eq!(
            DeadlineRules::from_form(&kept, &edited)
                .unwrap()
                .extension_reason_min_chars,
            20
        );

        let mut bad = form.clone();
        bad.insert("feedback_resolve_days".into(), "mười".into());
        bad.insert("acknowledge_count".into(), "weekly".into());
        bad.insert("feedback_max_extensions".into(), "-1".into());
        let e = DeadlineRules::from_form(&base, &bad).unwrap_err();
        assert_eq!(
            fields(&e),
            ["acknowledge", "feedback_resolve", "feedback_max_extensions"]
        );
        assert!(e.fields[1].message.vi.contains("mười"));
        // Numbers too large for their type are refused, not wrapped around.
        let mut huge = form.clone();
        huge.insert("denunciation_max_extensions".into(), "258".into());
        let e = DeadlineRules::from_form(&base, &huge).unwrap_err();
        assert_eq!(fields(&e), ["denunciation_max_extensions"]);
    }

    fn any_period(max: u32) -> impl Strategy<Value = Period> {
        (0..=max, any::<bool>()).prop_map(|(days, working)| {
            if working {
                Period::working(days)
            } else {
                Period::calendar(days)
            }
        })
    }

    fn any_date() -> impl Strategy<Value = Date> {
        let lo = Date::new(2025, 12, 1).unwrap().to_days();
        let hi = Date::new(2027, 12, 31).unwrap().to_days();
        (lo..=hi).prop_map(Date::from_days)
    }

    proptest! {
        /// Whatever the administrator enters, settings that pass never put a statutory due
        /// date after the law's own due date.
        #[test]
        fn accepted_settings_never_end_after_the_law(
            index in 0..PERIOD_SETTINGS.len(),
            period in any_period(80),
            start in any_date(),
        ) {
            let s = &PERIOD_SETTINGS[index];
            let Some(law) = s.statutory else { return Ok(()) };
            if check_only(s, period) {
                let cal = WorkingCalendar::seed();
                prop_assert!(period.due(&cal, start) <= law.due(&cal, start),
                    "{} {:?} from {}", s.key, period, start);
            }
        }

        /// The complex and remote periods a validated setting gives are never earlier than the
        /// plain one, so a head's decision that a complaint is complex never brings its date
        /// forward.
        #[test]
        fn complex_and_remote_never_shorten_a_complaint(
            plain in 1u32..=30, complex in 1u32..=45, remote in 1u32..=45, both in 1u32..=60,
            start in any_date(),
        ) {
            let rules = DeadlineRules {
                complaint_resolve: Period::calendar(plain),
                complaint_resolve_complex: Period::calendar(complex),
                complaint_resolve_remote: Period::calendar(remote),
                complaint_resolve_remote_complex: Period::calendar(both),
                ..DeadlineRules::default()
            };
            if rules.validate().is_ok() {
                let cal = WorkingCalendar::seed();
                let due = |complex, remote| rules.due_date(&cal, &DeadlineInput {
                    kind: ReportKind::Complaint,
                    anonymous: false,
                    stage: Stage::Resolve,
                    start,
                    extensions: 0,
                    complex,
                    remote,
                }).unwrap();
                prop_assert!(due(true, false) >= due(false, false));
                prop_assert!(due(false, true) >= due(false, false));
                prop_assert!(due(true, true) >= due(true, false));
                prop_assert!(due(true, true) >= due(false, true));
            }
        }
    }

    /// Whether this one period passes on its own.
    fn check_only(s: &PeriodSetting, p: Period) -> bool {
        let mut c = Checker::new();
        check_period(&mut c, s, p);
        c.errors.is_empty()
    }
}
