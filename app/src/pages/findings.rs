//! The committee's findings (kết luận) on the case page, and an officer's record (quá trình
//! xử lý phản ánh) reached from the staff page. Only members of an inspection committee see
//! either: the server refuses everyone else, and these pages render nothing for them.
//!
//! Recording is a plain HTML form post first (the page comes back with the outcome in its URL)
//! and a server action once hydrated. A finding is never edited: the form under a current
//! finding records a revision of it, and the revised one stays in the list, marked.

use crate::components::{clear_when_saved, lang, outcome, FieldMessage, FormOutcome};
use crate::fns::{get_case_findings, get_officer_record, RecordFinding};
use crate::format::datetime_vn;
use crate::pages::layout::me;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::finding::{
    CaseFindings, Conclusion, DisciplineMeasure, Finding, OfficerRecord, ReferralTarget,
    FINDING_TEXT_MAX,
};
use shared::model::Role;
use shared::workflow::REASON_MIN_CHARS;
use shared::{ErrorCode, Lang};

fn is_committee() -> bool {
    me().is_some_and(|m| m.account.role == Role::Committee)
}

/// "Khiển trách", with "(đã thôi áp dụng)" when the measure has since been retired.
fn measure_label(m: &DisciplineMeasure, lang: Lang) -> String {
    if m.active {
        m.name(lang).to_string()
    } else {
        format!(
            "{} ({})",
            m.name(lang),
            lang.pick("đã thôi áp dụng", "since retired")
        )
    }
}

fn officer_label(f: &Finding, lang: Lang) -> String {
    f.staff_name.clone().unwrap_or_else(|| {
        lang.pick(
            "Vụ việc chung (không gắn với cán bộ cụ thể)",
            "The matter in general (no officer in particular)",
        )
        .to_string()
    })
}

/// One finding: conclusion, discipline, referral, reasoning, who recorded it and when.
fn finding_view(f: &Finding, lang: Lang) -> impl IntoView {
    let superseded = (!f.is_current()).then(|| {
        view! { " "<strong class="badge off">{lang.pick("Đã được sửa đổi", "Revised since")}</strong> }
    });
    let revision = f.revises.is_some().then(|| {
        view! { " "<strong class="badge">{lang.pick("Kết luận sửa đổi", "Revision")}</strong> }
    });
    let discipline = f
        .discipline
        .as_ref()
        .map(|m| measure_label(m, lang))
        .unwrap_or_else(|| lang.pick("Không", "None").to_string());
    let referral = match (&f.referral_to, &f.referral_text) {
        (Some(to), text) => format!("{} — {}", to.label(lang), text.clone().unwrap_or_default()),
        _ => lang.pick("Không", "None").to_string(),
    };
    view! {
        <dl class="facts">
            <dt>{lang.pick("Kết luận", "Conclusion")}</dt>
            <dd><strong class="conclusion">{f.conclusion.label(lang)}</strong>{revision}{superseded}</dd>
            <dt>{lang.pick("Hình thức kỷ luật", "Discipline")}</dt><dd class="discipline">{discipline}</dd>
            <dt>{lang.pick("Chuyển cơ quan có thẩm quyền", "Referral")}</dt><dd class="referral">{referral}</dd>
            <dt>{lang.pick("Nội dung kết luận", "Reasoning")}</dt><dd><p class="description">{f.note.clone()}</p></dd>
            <dt>{lang.pick("Người ghi", "Recorded by")}</dt><dd>{format!("{} · {}", f.recorded_by, datetime_vn(f.recorded_at))}</dd>
        </dl>
    }
}

/// The fields of a finding, shared by the new finding's form and the revision forms; `prefix`
/// keeps each form's ids apart.
fn finding_fields(prefix: &str, measures: &[DisciplineMeasure], lang: Lang) -> impl IntoView {
    let id = |name: &str| format!("{prefix}-{name}");
    let conclusions = Conclusion::ALL
        .iter()
        .map(|c| {
            let cid = id(&format!("conclusion-{}", c.as_str()));
            view! {
                <li>
                    <input type="radio" name="conclusion" id=cid.clone() value=c.as_str() required=true />
                    <label for=cid class="choice">{c.label(lang)}</label>
                </li>
            }
        })
        .collect_view();
    let measure_options = measures
        .iter()
        .map(|m| view! { <option value=m.id.clone()>{m.name(lang).to_string()}</option> })
        .collect_view();
    let referral_options = ReferralTarget::ALL
        .iter()
        .map(|r| view! { <option value=r.as_str()>{r.label(lang)}</option> })
        .collect_view();
    let (min, max) = (REASON_MIN_CHARS.to_string(), FINDING_TEXT_MAX.to_string());
    view! {
        <fieldset class="choices">
            <legend>{lang.pick("Kết luận nội dung phản ánh", "Conclusion on the report")}</legend>
            <ul>{conclusions}</ul>
        </fieldset>
        <label for=id("discipline")>{lang.pick("Hình thức kỷ luật", "Discipline decided")}</label>
        <select id=id("discipline") name="discipline_id" aria-describedby=id("discipline-hint")>
            <option value="">{lang.pick("Không kỷ luật", "No discipline")}</option>
            {measure_options}
        </select>
        <p class="hint" id=id("discipline-hint")>{lang.pick(
            "Chỉ áp dụng khi kết luận đúng hoặc đúng một phần.",
            "Only with a founded or partly founded conclusion.",
        )}</p>
        <label for=id("referral-to")>{lang.pick("Chuyển cơ quan có thẩm quyền", "Refer to")}</label>
        <select id=id("referral-to") name="referral_to">
            <option value="">{lang.pick("Không chuyển", "No referral")}</option>
            {referral_options}
        </select>
        <label for=id("referral-text")>{lang.pick("Nội dung chuyển (nếu chuyển)", "What is referred and why (if referred)")}</label>
        <textarea id=id("referral-text") name="referral_text" rows="2" maxlength=max.clone()></textarea>
        <label for=id("note")>{lang.pick("Nội dung kết luận (căn cứ, kết quả xác minh)", "Reasoning (grounds, what verification found)")}</label>
        <textarea id=id("note") name="note" rows="4" required minlength=min maxlength=max></textarea>
    }
}

/// The "Kết luận" section of the case page, for the committee overseeing the case's unit:
/// the findings recorded, a form to record one, and under each current finding a form to
/// revise it. Placed on the case page by `pages::cases::CasePage`.
#[component]
pub fn CaseFindingsSection() -> impl IntoView {
    if !is_committee() {
        return ().into_any();
    }
    let lang = lang();
    let params = use_params_map();
    let record = ServerAction::<RecordFinding>::new();
    let data = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                record.version().get(),
            )
        },
        |(id, _)| get_case_findings(id),
    );
    // Field messages follow the form's outcome however it was sent; the banner only the
    // server action's, since a plain post's outcome is shown by the case page's own banner.
    let (error, _) = outcome(record.value());
    let sent_error = Signal::derive(move || match record.value().get() {
        Some(Err(e)) => Some(e.0),
        _ => None,
    });
    let sent_ok = Signal::derive(move || matches!(record.value().get(), Some(Ok(_))));
    // The list is re-rendered in place after a save, and would keep what was typed.
    let new_form = NodeRef::new();
    clear_when_saved(record.value(), new_form);
    view! {
        <Suspense fallback=move || view! { <p class="loading">{lang.pick("Đang tải kết luận…", "Loading findings…")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(f) => view! {
                        <section class="findings" aria-labelledby="findings-title">
                            <h2 id="findings-title">{lang.pick("Kết luận", "Findings")}</h2>
                            <p class="hint">{lang.pick(
                                "Chỉ ủy ban kiểm tra phụ trách đơn vị thấy phần này; thủ trưởng và cán bộ xử lý không thấy. Kết luận đã ghi không sửa được: muốn thay đổi, hãy ghi kết luận sửa đổi, kết luận cũ vẫn được lưu.",
                                "Only the inspection committee overseeing the unit sees this section; the head and the officers handling the case do not. A recorded finding cannot be edited: to change it, record a revision; the earlier one is kept.",
                            )}</p>
                            <FormOutcome error=sent_error saved=sent_ok />
                            <FindingsView f record error new_form />
                        </section>
                    }.into_any(),
                    // Not this reader's case: the case page above says so already.
                    Err(e) if matches!(e.0.code, ErrorCode::NotFound | ErrorCode::Forbidden) => ().into_any(),
                    Err(e) => view! { <div class="notice error" role="alert"><p>{e.0.message.get(lang).to_string()}</p></div> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn FindingsView(
    f: CaseFindings,
    record: ServerAction<RecordFinding>,
    error: Signal<Option<shared::ApiError>>,
    new_form: NodeRef<leptos::html::Form>,
) -> impl IntoView {
    let lang = lang();
    let case_id = f.report_id.clone();
    let list = if f.findings.is_empty() {
        view! { <p>{lang.pick("Chưa có kết luận nào.", "No finding yet.")}</p> }.into_any()
    } else {
        f.findings
            .iter()
            .map(|finding| {
                let revise = finding.is_current().then(|| {
                    let fields = finding_fields(&format!("revise-{}", finding.id), &f.measures, lang);
                    let (case_id, revises) = (case_id.clone(), finding.id.clone());
                    view! {
                        <details class="detail">
                            <summary>{lang.pick("Ghi kết luận sửa đổi", "Record a revision")}</summary>
                            <ActionForm action=record attr:class="grid-form finding-form revise-form">
                                <input type="hidden" name="id" value=case_id />
                                <input type="hidden" name="revises" value=revises />
                                {fields}
                                <button type="submit" class="button">{lang.pick("Ghi kết luận sửa đổi", "Record the revision")}</button>
                            </ActionForm>
                        </details>
                    }
                });
                view! {
                    <article class="finding" class:superseded=!finding.is_current()>
                        <h3>{officer_label(finding, lang)}</h3>
                        {finding_view(finding, lang)}
                        {revise}
                    </article>
                }
            })
            .collect_view()
            .into_any()
    };
    // A new finding is about an officer without a current one (the officer the report names
    // first), or about the matter in general if that has none.
    let officers: Vec<_> = f
        .officers
        .iter()
        .filter(|o| f.current_for(Some(&o.id)).is_none())
        .cloned()
        .collect();
    let general_open = f.current_for(None).is_none();
    let named = f
        .named_staff_id
        .clone()
        .filter(|n| officers.iter().any(|o| &o.id == n));
    let form = if officers.is_empty() && !general_open {
        view! { <p>{lang.pick(
            "Mọi cán bộ liên quan đã có kết luận. Muốn thay đổi, hãy ghi kết luận sửa đổi ở kết luận tương ứng.",
            "Every officer concerned has a finding. To change one, record a revision of it.",
        )}</p> }
        .into_any()
    } else {
        let options = officers
            .iter()
            .map(|o| {
                let chosen = named.as_deref() == Some(o.id.as_str());
                view! { <option value=o.id.clone() selected=chosen>{o.name.clone()}</option> }
            })
            .collect_view();
        let general = general_open.then(|| {
            view! { <option value="" selected=named.is_none()>{lang.pick("Vụ việc chung (không gắn với cán bộ cụ thể)", "The matter in general (no officer in particular)")}</option> }
        });
        let fields = finding_fields("finding", &f.measures, lang);
        view! {
            <ActionForm action=record node_ref=new_form attr:class="grid-form finding-form new-finding">
                <input type="hidden" name="id" value=case_id />
                <label for="finding-staff">{lang.pick("Cán bộ được kết luận", "Officer concerned")}</label>
                <select id="finding-staff" name="staff_id">{options}{general}</select>
                <FieldMessage error field="staff_id" />
                {fields}
                <FieldMessage error field="conclusion" />
                <FieldMessage error field="discipline_id" />
                <FieldMessage error field="referral_to" />
                <FieldMessage error field="referral_text" />
                <FieldMessage error field="note" />
                <button type="submit" class="button primary">{lang.pick("Ghi kết luận", "Record the finding")}</button>
            </ActionForm>
        }
        .into_any()
    };
    view! {
        {list}
        <h3>{lang.pick("Ghi kết luận mới", "Record a finding")}</h3>
        {form}
    }
}

/// The link from an officer's page to their record, for the committee only.
pub fn officer_record_link(staff_id: &str) -> impl IntoView {
    let lang = lang();
    is_committee().then(|| {
        view! {
            <p class="no-print">
                <a href=format!("/admin/staff/{staff_id}/record")>{lang.pick(
                    "Quá trình xử lý phản ánh: kết luận, kỷ luật, chuyển cơ quan có thẩm quyền",
                    "Record of reports: findings, discipline and referrals",
                )}</a>
            </p>
        }
    })
}

/// An officer's record, printable: the counts, then every report about them the reader may
/// see, newest first, with the findings about them (revised ones marked).
#[component]
pub fn OfficerRecordPage() -> impl IntoView {
    let lang = lang();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let record = Resource::new(id, get_officer_record);
    view! {
        <p class="no-print"><a href=move || format!("/admin/staff/{}", id())>{lang.pick("‹ Thông tin cán bộ", "‹ Staff member")}</a></p>
        <Suspense fallback=move || view! { <p class="loading">{lang.pick("Đang tải…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                match record.await {
                    Ok(r) => view! { <RecordView r /> }.into_any(),
                    Err(e) => view! { <div class="notice error" role="alert"><p>{e.0.message.get(lang).to_string()}</p></div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RecordView(r: OfficerRecord) -> impl IntoView {
    let lang = lang();
    let c = &r.counts;
    let counts = [
        (lang.pick("Phản ánh, tố cáo", "Reports"), c.reports),
        (
            lang.pick("Chưa có kết luận", "No finding yet"),
            c.without_finding,
        ),
        (Conclusion::Founded.label(lang), c.founded),
        (Conclusion::PartlyFounded.label(lang), c.partly_founded),
        (Conclusion::Unfounded.label(lang), c.unfounded),
        (lang.pick("Bị kỷ luật", "Disciplined"), c.disciplined),
        (
            lang.pick("Chuyển cơ quan có thẩm quyền", "Referred"),
            c.referred,
        ),
    ]
    .into_iter()
    .map(|(label, n)| view! { <tr><th scope="row">{label}</th><td>{n}</td></tr> })
    .collect_view();
    let discipline = (!r.discipline.is_empty()).then(|| {
        let items = r
            .discipline
            .iter()
            .map(|m| view! { <li>{format!("{}: {}", measure_label(&m.measure, lang), m.count)}</li> })
            .collect_view();
        view! {
            <h2>{lang.pick("Hình thức kỷ luật đã quyết định", "Discipline decided")}</h2>
            <ul class="record-discipline">{items}</ul>
        }
    });
    let rows = r
        .items
        .iter()
        .map(|item| {
            let current = item.findings.iter().find(|f| f.is_current());
            let conclusion = match current {
                None => view! { <span>{lang.pick("Chưa có kết luận", "No finding yet")}</span> }.into_any(),
                Some(f) => {
                    let discipline = f.discipline.as_ref().map(|m| view! { <br /><span>{format!("{} {}", lang.pick("Kỷ luật:", "Discipline:"), measure_label(m, lang))}</span> });
                    let referral = f.referral_to.map(|to| view! { <br /><span>{format!("{} {}", lang.pick("Chuyển:", "Referred to:"), to.label(lang))}</span> });
                    view! { <strong>{f.conclusion.label(lang)}</strong>{discipline}{referral}<br /><small>{datetime_vn(f.recorded_at)}</small> }.into_any()
                }
            };
            let history = item
                .findings
                .iter()
                .filter(|f| !f.is_current())
                .map(|f| {
                    let discipline = f.discipline.as_ref().map(|m| format!(", {}", measure_label(m, lang))).unwrap_or_default();
                    view! { <li>{format!("{} · {}{discipline}", datetime_vn(f.recorded_at), f.conclusion.label(lang))}</li> }
                })
                .collect_view();
            let note = current.map(|f| f.note.clone()).unwrap_or_default();
            let how = if item.named_in_report {
                lang.pick("Người dân nêu tên", "Named in the report")
            } else {
                lang.pick("Kết luận nêu tên", "Named in a finding")
            };
            view! {
                <tr>
                    <td><a href=format!("/admin/cases/{}", item.report_id)>{item.tracking_code.clone()}</a><br /><small>{how}</small></td>
                    <td>{datetime_vn(item.received_at)}</td>
                    <td>{item.kind.label(lang)}<br /><small>{item.category.label(lang)}</small></td>
                    <td>{item.unit_name.clone()}<br /><small>{item.status.label(lang)}</small></td>
                    <td>{conclusion}<ul class="record-history">{history}</ul></td>
                    <td class="description">{note}</td>
                </tr>
            }
        })
        .collect_view();
    let truncated = r.truncated.then(|| {
        view! { <p class="notice warning" role="note">{lang.pick(
            "Danh sách chỉ gồm các phản ánh mới nhất; các số đếm tính trên các phản ánh được liệt kê.",
            "Only the newest reports are listed; the counts are of the reports listed.",
        )}</p> }
    });
    let s = &r.staff;
    view! {
        <h1>{lang.pick("Quá trình xử lý phản ánh về cán bộ", "Officer's record")}": "{s.full_name.clone()}</h1>
        <dl class="facts">
            <dt>{lang.pick("Chức danh", "Title")}</dt><dd>{s.title.clone()}</dd>
            <dt>{lang.pick("Số thẻ", "Badge")}</dt><dd>{s.badge_number.clone()}</dd>
            <dt>{lang.pick("Đơn vị", "Unit")}</dt><dd>{r.unit_name.clone()}</dd>
            <dt>{lang.pick("Trạng thái", "Status")}</dt><dd>{if s.active { lang.pick("Đang công tác", "Active") } else { lang.pick("Ngừng hoạt động", "Deactivated") }}</dd>
        </dl>
        <p class="hint no-print">{lang.pick(
            "Gồm các phản ánh nêu tên cán bộ hoặc có kết luận về cán bộ, trong các đơn vị bạn phụ trách. In: dùng lệnh In của trình duyệt (khổ A4 ngang).",
            "The reports naming the officer or with a finding about them, in the units you oversee. To print, use the browser's Print (A4 landscape).",
        )}</p>
        {truncated}
        <div class="table-wrap">
            <table class="record-counts">
                <caption>{lang.pick("Tổng hợp (theo kết luận hiện hành của mỗi phản ánh)", "Summary (by each report's current finding)")}</caption>
                <tbody>{counts}</tbody>
            </table>
        </div>
        {discipline}
        <h2>{lang.pick("Các phản ánh, mới nhất trước", "Reports, newest first")}</h2>
        {if r.items.is_empty() {
            view! { <p>{lang.pick("Không có phản ánh nào về cán bộ này.", "No report about this officer.")}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="officer-record">
                        <caption class="sr-only">{lang.pick("Phản ánh về cán bộ và kết luận", "Reports about the officer and the findings")}</caption>
                        <thead><tr>
                            <th scope="col">{lang.pick("Mã", "Code")}</th>
                            <th scope="col">{lang.pick("Nhận lúc", "Received")}</th>
                            <th scope="col">{lang.pick("Loại", "Kind")}</th>
                            <th scope="col">{lang.pick("Đơn vị, trạng thái", "Unit, status")}</th>
                            <th scope="col">{lang.pick("Kết luận, kỷ luật", "Finding, discipline")}</th>
                            <th scope="col">{lang.pick("Nội dung kết luận", "Reasoning")}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}
