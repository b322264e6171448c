//! The weekly citizen reception (tiếp công dân định kỳ): the head opens this week's session,
//! sees the agenda (citizens who asked to meet, cases due or overdue), records each meeting
//! with the reception log's fields, and prints the log on A4 (the page's print style hides
//! the menus and forms) or downloads it as .xlsx.

use crate::components::{lang, outcome, FieldMessage, FormOutcome};
use crate::fns::{get_reception, OpenReception, RecordReception};
use crate::format::datetime_vn;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::calendar::Date;
use shared::case::CaseSummary;
use shared::reception::{ReceptionSession, FIELD_MAX};
use shared::Lang;

#[component]
pub fn ReceptionHome() -> impl IntoView {
    let lang = lang();
    let open = ServerAction::<OpenReception>::new();
    let (error, _) = outcome(open.value());
    // With the WASM app, go to the session once it is open (without it, the server redirects).
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(s)) = open.value().get() {
            navigate(&format!("/admin/reception/{}", s.id), Default::default());
        }
    });
    view! {
        <h1>{lang.pick("Tiếp công dân định kỳ", "Weekly citizen reception")}</h1>
        <p class="hint">{lang.pick(
            "Phiên tiếp công dân của đơn vị vào ngày tiếp công dân trong tuần (nếu trùng ngày nghỉ, chuyển sang ngày tiếp công dân kế tiếp). Chương trình gồm công dân đã đăng ký gặp, các phản ánh đến hạn hoặc quá hạn.",
            "The unit's session on its reception day this week (moved to the next reception day when that is a holiday). The agenda lists the citizens who asked to meet and the cases due or overdue.",
        )}</p>
        <FormOutcome error saved=Signal::derive(|| false) />
        <ActionForm action=open>
            <button type="submit" id="open-session" class="button primary">{lang.pick("Mở phiên tiếp công dân tuần này", "Open this week's session")}</button>
        </ActionForm>
    }
}

/// One list of the agenda, or a line saying it is empty.
fn agenda_table(
    cases: &[CaseSummary],
    id: &'static str,
    empty: &'static str,
    lang: Lang,
) -> AnyView {
    if cases.is_empty() {
        return view! { <p>{empty}</p> }.into_any();
    }
    let rows = cases
        .iter()
        .map(|c| {
            let deadline = c
                .deadline
                .as_ref()
                .map(|d| d.describe(lang))
                .unwrap_or_default();
            view! {
                <tr>
                    <td><a href=format!("/admin/cases/{}", c.id)>{c.tracking_code.clone()}</a></td>
                    <td>{c.kind.label(lang)}<br /><small>{c.category.label(lang)}</small></td>
                    <td>{c.status.label(lang)}</td>
                    <td>{deadline}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap"><table id=id>
            <thead><tr>
                <th scope="col">{lang.pick("Mã", "Code")}</th><th scope="col">{lang.pick("Loại", "Kind")}</th>
                <th scope="col">{lang.pick("Trạng thái", "Status")}</th><th scope="col">{lang.pick("Thời hạn", "Deadline")}</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table></div>
    }
    .into_any()
}

#[component]
pub fn ReceptionSessionPage() -> impl IntoView {
    let lang = lang();
    let params = use_params_map();
    let record = ServerAction::<RecordReception>::new();
    let session = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                record.version().get(),
            )
        },
        |(id, _)| get_reception(id),
    );
    let (error, saved) = outcome(record.value());
    // With the WASM app the page stays: empty the form for the next meeting once recorded.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        use wasm_bindgen::JsCast;
        if let Some(Ok(_)) = record.value().get() {
            if let Some(form) = document()
                .query_selector("form.reception-form")
                .ok()
                .flatten()
                .and_then(|f| f.dyn_into::<web_sys::HtmlFormElement>().ok())
            {
                form.reset();
            }
        }
    });
    view! {
        <p class="no-print"><a href="/admin/reception">{lang.pick("‹ Tiếp công dân", "‹ Citizen reception")}</a></p>
        <Suspense fallback=move || view! { <p class="loading">{lang.pick("Đang tải…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                match session.await {
                    Ok(s) => view! { <SessionView s record error saved /> }.into_any(),
                    Err(e) => view! { <div class="notice error" role="alert"><p>{e.0.message.get(lang).to_string()}</p></div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SessionView(
    s: ReceptionSession,
    record: ServerAction<RecordReception>,
    error: Signal<Option<shared::ApiError>>,
    saved: Signal<bool>,
) -> impl IntoView {
    let lang = lang();
    let day = Date::parse(&s.date);
    let when = format!(
        "{}, {} · {}–{}",
        day.map(|d| shared::model::weekday_label(d.weekday(), lang))
            .unwrap_or(""),
        day.map(Date::format_vn).unwrap_or_else(|| s.date.clone()),
        s.start,
        s.end
    );
    let log = s
        .entries
        .iter()
        .map(|e| {
            let who = if e.citizen_address.is_empty() {
                e.citizen_name.clone()
            } else {
                format!("{}, {}", e.citizen_name, e.citizen_address)
            };
            view! {
                <tr>
                    <td>{e.entry_no}</td>
                    <td>{who}</td>
                    <td class="description">{e.matter.clone()}</td>
                    <td class="description">{e.earlier_handling.clone()}</td>
                    <td class="description">{e.request.clone()}</td>
                    <td class="description">{e.action_taken.clone()}</td>
                    <td class="description">{e.outcome.clone()}{e.public.then(|| view! { <br /><small>{lang.pick("(đã gửi công dân)", "(sent to the citizen)")}</small> })}</td>
                    <td class="description">{e.follow_up.clone()}</td>
                    <td>{e.tracking_code.clone().unwrap_or_default()}<br /><small>{datetime_vn(e.created_at)}</small></td>
                </tr>
            }
        })
        .collect_view();
    let case_options = s
        .booked
        .iter()
        .chain(s.due.iter().filter(|d| !s.booked.iter().any(|b| b.id == d.id)))
        .map(|c| view! { <option value=c.id.clone()>{format!("{} — {}", c.tracking_code, c.kind.label(lang))}</option> })
        .collect_view();
    let max = FIELD_MAX.to_string();
    let textarea = move |id: &'static str, label: (&'static str, &'static str), required: bool| {
        view! {
            <label for=id>{lang.pick(label.0, label.1)}</label>
            <textarea id=id name=id rows="2" required=required maxlength=max.clone()></textarea>
            <FieldMessage error field=id />
        }
    };
    let xlsx = format!("/api/v1/reception/sessions/{}/log.xlsx", s.id);
    view! {
        <h1>{lang.pick("Phiên tiếp công dân", "Citizen reception session")}</h1>
        <p class="session-when"><strong>{s.unit_name.clone()}</strong>" · "{when}</p>
        <section class="no-print" aria-labelledby="agenda-title">
            <h2 id="agenda-title">{lang.pick("Chương trình", "Agenda")}</h2>
            <h3>{lang.pick("Công dân đăng ký gặp thủ trưởng", "Citizens who asked to meet the head")}</h3>
            {agenda_table(&s.booked, "booked", lang.pick("Chưa có công dân đăng ký.", "Nobody has asked yet."), lang)}
            <h3>{lang.pick("Phản ánh đến hạn hoặc quá hạn", "Cases due or overdue")}</h3>
            {agenda_table(&s.due, "due", lang.pick("Không có phản ánh đến hạn.", "No case is due."), lang)}
        </section>
        <h2>{lang.pick("Sổ tiếp công dân", "Reception log")}</h2>
        <p class="no-print">
            <a href=xlsx rel="external" download>{lang.pick("Tải sổ (Excel .xlsx)", "Download the log (Excel .xlsx)")}</a>
            " · "{lang.pick("In sổ: dùng lệnh In của trình duyệt (khổ A4 ngang).", "To print the log, use the browser's Print (A4 landscape).")}
        </p>
        <div class="table-wrap"><table id="reception-log" class="reception-log">
            <thead><tr>
                <th scope="col">"STT"</th>
                <th scope="col">{lang.pick("Họ tên, địa chỉ", "Name, address")}</th>
                <th scope="col">{lang.pick("Nội dung vụ việc", "Matter")}</th>
                <th scope="col">{lang.pick("Đã được giải quyết", "Earlier handling")}</th>
                <th scope="col">{lang.pick("Đề nghị", "Request")}</th>
                <th scope="col">{lang.pick("Hướng dẫn, xử lý", "What was done")}</th>
                <th scope="col">{lang.pick("Kết quả", "Outcome")}</th>
                <th scope="col">{lang.pick("Theo dõi", "Follow-up")}</th>
                <th scope="col">{lang.pick("Mã phản ánh", "Case")}</th>
            </tr></thead>
            <tbody>{log}</tbody>
        </table></div>
        <section class="no-print" aria-labelledby="record-title">
            <h2 id="record-title">{lang.pick("Ghi buổi tiếp", "Record a meeting")}</h2>
            <FormOutcome error saved />
            <ActionForm action=record attr:class="grid-form reception-form">
                <input type="hidden" name="session_id" value=s.id.clone() />
                <label for="report_id">{lang.pick("Phản ánh liên quan", "Case concerned")}</label>
                <select id="report_id" name="report_id">
                    <option value="">{lang.pick("(Không có — công dân đến trực tiếp)", "(None — a walk-in)")}</option>
                    {case_options}
                </select>
                <label for="citizen_name">{lang.pick("Họ và tên công dân", "Citizen's name")}</label>
                <input id="citizen_name" name="citizen_name" required maxlength="120" />
                <FieldMessage error field="citizen_name" />
                <label for="citizen_address">{lang.pick("Địa chỉ", "Address")}</label>
                <input id="citizen_address" name="citizen_address" maxlength="300" />
                {textarea("matter", ("Nội dung vụ việc", "Matter"), true)}
                {textarea("earlier_handling", ("Đã được cơ quan nào giải quyết", "How it was handled before"), false)}
                {textarea("request", ("Đề nghị của công dân", "The citizen's request"), false)}
                {textarea("action_taken", ("Hướng dẫn, xử lý", "What was done"), true)}
                {textarea("outcome", ("Kết quả", "Outcome"), false)}
                {textarea("follow_up", ("Theo dõi kết quả", "Follow-up"), false)}
                <label class="check"><input type="checkbox" name="public" value="true" />" "{lang.pick("Gửi kết quả cho công dân (trả lời công khai trên trang tra cứu)", "Send the outcome to the citizen (a public reply on the tracking page)")}</label>
                <button type="submit" class="button primary">{lang.pick("Ghi vào sổ", "Record")}</button>
            </ActionForm>
        </section>
    }
}
