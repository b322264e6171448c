//! The deadline settings: every period a case is handled within (the law's values by default),
//! each with its legal basis, the extension caps and the near-deadline flag. A national
//! administrator changes them within the law (a plain form post, then a server action once
//! hydrated); everyone else reads them.

use crate::components::{lang, outcome, FieldMessage, FormOutcome};
use crate::fns::{get_deadline_rules, SaveDeadlineRules};
use crate::pages::layout::me;
use leptos::prelude::*;
use shared::calendar::{DayCount, DeadlineRules, Period};
use shared::deadline_settings::{
    NumberSetting, PeriodSetting, SettingGroup, NUMBER_SETTINGS, PERIOD_SETTINGS,
};
use shared::model::Role;
use shared::Lang;

/// What the law (or, where it is silent, the platform's default) says about a period.
fn limit_text(s: &PeriodSetting, lang: Lang) -> String {
    let default = (s.get)(&DeadlineRules::default());
    match s.statutory {
        Some(law) => format!(
            "{} {}",
            lang.pick("Tối đa theo luật:", "The law's limit:"),
            law.describe(lang)
        ),
        None => format!(
            "{} {}",
            lang.pick("Mặc định:", "Default:"),
            default.describe(lang)
        ),
    }
}

fn number_limit_text(s: &NumberSetting, lang: Lang) -> String {
    let default = (s.get)(&DeadlineRules::default());
    if s.statutory {
        format!(
            "{} {}",
            lang.pick("Tối đa theo luật:", "The law's limit:"),
            s.max
        )
    } else {
        format!(
            "{} {default}; {} {}",
            lang.pick("Mặc định:", "Default:"),
            lang.pick("tối đa", "at most"),
            s.max
        )
    }
}

fn count_options(current: DayCount, lang: Lang) -> impl IntoView {
    [DayCount::Working, DayCount::Calendar]
        .into_iter()
        .map(|c| {
            let value = match c {
                DayCount::Working => "working",
                DayCount::Calendar => "calendar",
            };
            view! { <option value=value selected=c == current>{c.label(lang)}</option> }
        })
        .collect_view()
}

/// The caption and basis of a setting: its row header.
fn setting_header(label: &'static str, basis: &'static str) -> impl IntoView {
    view! { <th scope="row">{label}<br /><small class="hint">{basis}</small></th> }
}

/// One group's settings as rows of a form table.
fn edit_rows(
    group: SettingGroup,
    rules: &DeadlineRules,
    error: Signal<Option<shared::ApiError>>,
    lang: Lang,
) -> impl IntoView {
    let periods = PERIOD_SETTINGS
        .iter()
        .filter(|s| s.group == group)
        .map(|s| {
            let Period { days, count } = (s.get)(rules);
            let (days_id, count_id) = (s.days_field(), s.count_field());
            let max = s.max_days(DayCount::Working).or(s.max_days(DayCount::Calendar)).unwrap_or(1);
            let err_id = format!("err-{}", s.key);
            view! {
                <tr>
                    {setting_header(s.label(lang), s.basis(lang))}
                    <td>
                        <label class="sr-only" for=days_id.clone()>{format!("{} — {}", lang.pick("Số ngày", "Days"), s.label(lang))}</label>
                        <input id=days_id.clone() name=format!("rules[{days_id}]") type="number" inputmode="numeric" min="1" max=max.to_string() required value=days.to_string() aria-describedby=err_id.clone() />
                    </td>
                    <td>
                        <label class="sr-only" for=count_id.clone()>{format!("{} — {}", lang.pick("Cách tính", "Counted in"), s.label(lang))}</label>
                        <select id=count_id.clone() name=format!("rules[{count_id}]") aria-describedby=err_id>{count_options(count, lang)}</select>
                    </td>
                    <td>{limit_text(s, lang)}<FieldMessage error field=s.key /></td>
                </tr>
            }
        })
        .collect_view();
    let numbers = NUMBER_SETTINGS
        .iter()
        .filter(|s| s.group == group)
        .map(|s| {
            let value = (s.get)(rules);
            let err_id = format!("err-{}", s.key);
            let unit = if s.key == "near_deadline_working_days" {
                lang.pick("ngày làm việc", "working days")
            } else {
                lang.pick("lần", "times")
            };
            view! {
                <tr>
                    {setting_header(s.label(lang), s.basis(lang))}
                    <td>
                        <label class="sr-only" for=s.key>{s.label(lang)}</label>
                        <input id=s.key name=format!("rules[{}]", s.key) type="number" inputmode="numeric" min="0" max=s.max.to_string() required value=value.to_string() aria-describedby=err_id />
                    </td>
                    <td>{unit}</td>
                    <td>{number_limit_text(s, lang)}<FieldMessage error field=s.key /></td>
                </tr>
            }
        })
        .collect_view();
    view! { {periods}{numbers} }
}

/// One group's settings as read-only rows.
fn read_rows(group: SettingGroup, rules: &DeadlineRules, lang: Lang) -> impl IntoView {
    let periods = PERIOD_SETTINGS
        .iter()
        .filter(|s| s.group == group)
        .map(|s| {
            view! {
                <tr>
                    {setting_header(s.label(lang), s.basis(lang))}
                    <td>{(s.get)(rules).describe(lang)}</td>
                    <td>{limit_text(s, lang)}</td>
                </tr>
            }
        })
        .collect_view();
    let numbers = NUMBER_SETTINGS
        .iter()
        .filter(|s| s.group == group)
        .map(|s| {
            view! {
                <tr>
                    {setting_header(s.label(lang), s.basis(lang))}
                    <td>{(s.get)(rules).to_string()}</td>
                    <td>{number_limit_text(s, lang)}</td>
                </tr>
            }
        })
        .collect_view();
    view! { {periods}{numbers} }
}

#[component]
pub fn DeadlinesPage() -> impl IntoView {
    let lang = lang();
    let save = ServerAction::<SaveDeadlineRules>::new();
    let can_edit =
        me().is_some_and(|m| m.account.role == Role::Admin && m.account.unit_id.is_none());
    let data = Resource::new(move || save.version().get(), |_| get_deadline_rules());
    let (error, saved) = outcome(save.value());
    view! {
        <h1>{lang.pick("Thời hạn giải quyết", "Deadlines")}</h1>
        <p class="hint">{lang.pick(
            "Thời hạn của từng loại đơn, mặc định theo luật. Thời hạn luật đã quy định chỉ được đặt bằng hoặc ngắn hơn, không được dài hơn. Ngày làm việc không tính thứ Bảy, Chủ nhật và các ngày nghỉ trong «Lịch ngày nghỉ»; thời hạn tính theo ngày mà rơi vào ngày nghỉ thì chuyển sang ngày làm việc tiếp theo. Khi lưu, hạn của các đơn đang xử lý được tính lại.",
            "The period of each kind of report, the law's by default. A period the law sets may be equal or shorter, never longer. Working days skip Saturdays, Sundays and the days off in the “Calendar”; a period in calendar days that ends on a day off ends on the next working day. Saving recomputes the due dates of the open cases.",
        )}</p>
        <FormOutcome error saved />
        <Suspense fallback=move || view! { <p class="loading">{lang.pick("Đang tải…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                let rules = match data.await {
                    Ok(r) => r,
                    Err(e) => return view! { <div class="notice error" role="alert"><p>{e.0.message.get(lang).to_string()}</p></div> }.into_any(),
                };
                let tables = SettingGroup::ALL.iter().map(|&group| {
                    let caption = group.label(lang);
                    let rows = if can_edit {
                        edit_rows(group, &rules, error, lang).into_any()
                    } else {
                        read_rows(group, &rules, lang).into_any()
                    };
                    let head = if can_edit {
                        view! { <tr>
                            <th scope="col">{lang.pick("Thời hạn", "Period")}</th>
                            <th scope="col">{lang.pick("Số ngày, số lần", "Days, times")}</th>
                            <th scope="col">{lang.pick("Cách tính", "Counted in")}</th>
                            <th scope="col">{lang.pick("Giới hạn", "Limit")}</th>
                        </tr> }.into_any()
                    } else {
                        view! { <tr>
                            <th scope="col">{lang.pick("Thời hạn", "Period")}</th>
                            <th scope="col">{lang.pick("Đang áp dụng", "In force")}</th>
                            <th scope="col">{lang.pick("Giới hạn", "Limit")}</th>
                        </tr> }.into_any()
                    };
                    view! {
                        <div class="table-wrap">
                            <table class="deadline-settings">
                                <caption>{caption}</caption>
                                <thead>{head}</thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    }
                }).collect_view();
                if !can_edit {
                    return view! {
                        <p>{lang.pick("Chỉ quản trị viên cấp quốc gia được sửa các thời hạn này.", "Only a national administrator may change these settings.")}</p>
                        {tables}
                    }.into_any();
                }
                view! {
                    <ActionForm action=save attr:class="deadline-form">
                        {tables}
                        <button type="submit" class="button primary">{lang.pick("Lưu thời hạn", "Save the deadlines")}</button>
                    </ActionForm>
                }.into_any()
            })}
        </Suspense>
    }
}
