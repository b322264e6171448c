//! The working-day calendar of one year: the days off (public holidays, Tết, swapped days) and
//! the make-up working days every deadline is counted on. A national administrator edits them
//! as lines "dd/mm/yyyy Tên | English name" (one day per line: quick to type from the
//! government's announcement, and to check against it); everyone else reads them.

use crate::components::{lang, outcome, FieldMessage, FormOutcome};
use crate::fns::{get_calendar_year, SaveCalendarYear};
use crate::pages::layout::me;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::model::Role;

/// The year shown when the address names none: the current year in Vietnam.
fn this_year() -> i32 {
    #[cfg(feature = "ssr")]
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    #[cfg(not(feature = "ssr"))]
    let now_ms = js_sys::Date::now() as i64;
    shared::calendar::Date::from_unix_ms_vietnam(now_ms).year()
}

#[component]
pub fn CalendarPage() -> impl IntoView {
    let lang = lang();
    let query = use_query_map();
    let save = ServerAction::<SaveCalendarYear>::new();
    let can_edit =
        me().is_some_and(|m| m.account.role == Role::Admin && m.account.unit_id.is_none());
    let year = move || {
        query
            .read()
            .get("year")
            .and_then(|y| y.parse::<i32>().ok())
            .unwrap_or_else(this_year)
    };
    let data = Resource::new(
        move || (year(), save.version().get()),
        |(y, _)| get_calendar_year(y),
    );
    let (error, saved) = outcome(save.value());
    view! {
        <h1>{lang.pick("Lịch ngày nghỉ, ngày làm bù", "Days off and make-up working days")}</h1>
        <p class="hint">{lang.pick(
            "Mọi thời hạn giải quyết tính theo ngày làm việc đều dựa trên lịch này: thứ Bảy, Chủ nhật, các ngày nghỉ lễ, Tết, ngày nghỉ bù, nghỉ hoán đổi, và các ngày làm bù.",
            "Every deadline counted in working days uses this calendar: Saturdays, Sundays, public holidays, Tết, compensating and swapped days off, and make-up working days.",
        )}</p>
        <FormOutcome error saved />
        <Suspense fallback=move || view! { <p class="loading">{lang.pick("Đang tải…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                let y = match data.await {
                    Ok(y) => y,
                    Err(e) => return view! { <div class="notice error" role="alert"><p>{e.0.message.get(lang).to_string()}</p></div> }.into_any(),
                };
                let (off, make_up) = y.to_lines();
                let nav = view! {
                    <nav class="pager" aria-label=lang.pick("Chọn năm", "Choose the year")>
                        <a href=format!("/admin/calendar?year={}", y.year - 1) rel="prev">{format!("‹ {}", y.year - 1)}</a>
                        <strong>{format!("{} {}", lang.pick("Năm", "Year"), y.year)}</strong>
                        <a href=format!("/admin/calendar?year={}", y.year + 1) rel="next">{format!("{} ›", y.year + 1)}</a>
                    </nav>
                };
                let status = if y.days_off.is_empty() {
                    lang.pick("Chưa có dữ liệu: thời hạn trong năm này chỉ trừ thứ Bảy, Chủ nhật.", "No data yet: deadlines in this year skip Saturdays and Sundays only.")
                } else if y.provisional {
                    lang.pick("Dự kiến: Chính phủ chưa công bố chính thức.", "Provisional: not yet announced by the government.")
                } else {
                    lang.pick("Chính thức.", "Official.")
                };
                if !can_edit {
                    let list = |items: Vec<(String, String)>| items.into_iter().map(|(d, n)| view! { <li><strong>{d}</strong>" "{n}</li> }).collect_view();
                    let offs = list(y.days_off.iter().map(|h| (h.date.format_vn(), lang.pick(&h.name_vi, if h.name_en.is_empty() { &h.name_vi } else { &h.name_en }).to_string())).collect());
                    let makes = list(y.make_up_days.iter().map(|m| (m.date.format_vn(), lang.pick(&m.note_vi, if m.note_en.is_empty() { &m.note_vi } else { &m.note_en }).to_string())).collect());
                    return view! {
                        {nav}
                        <p>{status}</p>
                        <h2>{lang.pick("Ngày nghỉ", "Days off")}</h2>
                        <ul>{offs}</ul>
                        <h2>{lang.pick("Ngày làm bù", "Make-up working days")}</h2>
                        <ul>{makes}</ul>
                        <p class="hint">{y.source.clone()}</p>
                    }.into_any();
                }
                view! {
                    {nav}
                    <p>{status}</p>
                    <ActionForm action=save attr:class="grid-form calendar-form">
                        <input type="hidden" name="year" value=y.year.to_string() />
                        <label for="days_off">{lang.pick("Ngày nghỉ (mỗi dòng: dd/mm/yyyy Tên | English name)", "Days off (one per line: dd/mm/yyyy Tên | English name)")}</label>
                        <textarea id="days_off" name="days_off" rows="14" prop:value=off.clone()>{off.clone()}</textarea>
                        <FieldMessage error field="days_off" />
                        <label for="make_up_days">{lang.pick("Ngày làm bù (mỗi dòng: dd/mm/yyyy Ghi chú)", "Make-up working days (one per line: dd/mm/yyyy Note)")}</label>
                        <textarea id="make_up_days" name="make_up_days" rows="4" prop:value=make_up.clone()>{make_up.clone()}</textarea>
                        <FieldMessage error field="make_up_days" />
                        <label for="source">{lang.pick("Căn cứ (văn bản của Chính phủ)", "Source (the government's document)")}</label>
                        <input id="source" name="source" maxlength="500" value=y.source.clone() />
                        <label class="check"><input type="checkbox" name="provisional" value="true" checked=y.provisional />" "{lang.pick("Dự kiến (chưa công bố chính thức)", "Provisional (not yet announced)")}</label>
                        <button type="submit" class="button primary">{lang.pick("Lưu lịch năm", "Save the year")}</button>
                    </ActionForm>
                }.into_any()
            })}
        </Suspense>
    }
}
