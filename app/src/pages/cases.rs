//! The head's inbox and the case page. The inbox lists the cases of the reader's units, most
//! urgent first, each with its deadline; the case page shows the whole timeline (internal
//! notes marked as such) and offers only the actions the state machine allows the reader now.
//! Every action is a plain HTML form post first, then a server action once hydrated.

use crate::components::{lang, outcome, FormOutcome};
use crate::fns::{case_filter_choices, get_case, list_cases, CaseAction, RevealIdentity};
use crate::format::datetime_vn;
use crate::pages::case_photos::CasePhotos;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::case::{CaseDeadline, CaseDetail, CaseQuery, Choice, REVEAL_REASON_MIN_CHARS};
use shared::report::{ReportCategory, ReportKind};
use shared::workflow::{ActionKind as K, ReportStatus, REASON_MIN_CHARS, TEXT_MAX_CHARS};
use shared::Lang;

/// The deadline cell: the due date and the working days left, marked when near or overdue
/// (by words and a class, never by colour alone).
fn deadline_cell(d: Option<CaseDeadline>, lang: Lang) -> impl IntoView {
    match d {
        None => view! { <span>"—"</span> }.into_any(),
        Some(d) => {
            let class = if d.is_overdue() {
                "deadline overdue"
            } else if d.is_near() {
                "deadline near"
            } else {
                "deadline"
            };
            view! {
                <span class=class>
                    {d.describe(lang)}<br /><small>{d.stage.label(lang)}</small>
                </span>
            }
            .into_any()
        }
    }
}

#[component]
pub fn CasesPage() -> impl IntoView {
    let lang = lang();
    let query = use_query_map();
    let cases = Resource::new(
        move || {
            let q = query.read();
            CaseQuery {
                status: q.get("status").filter(|s| !s.is_empty()),
                unit_id: q.get("unit_id").filter(|s| !s.is_empty()),
                kind: q.get("kind").and_then(|k| ReportKind::parse(&k)),
                category: q.get("category").and_then(|c| ReportCategory::parse(&c)),
                counter_id: q.get("counter_id").filter(|s| !s.is_empty()),
                staff_id: q.get("staff_id").filter(|s| !s.is_empty()),
                after: q.get("after").filter(|s| !s.is_empty()),
                per_page: q.get("per_page").and_then(|p| p.parse().ok()),
                review: q.get("review").map(|r| r == "true"),
            }
        },
        list_cases,
    );
    // The counters and officers of the units in view, for their two filters.
    let choices = Resource::new(
        move || query.read().get("unit_id").filter(|s| !s.is_empty()),
        case_filter_choices,
    );
    let selected = query
        .read_untracked()
        .get("status")
        .unwrap_or_else(|| "open".into());
    let status_options = {
        let mut opts = vec![
            (
                "open".to_string(),
                lang.pick("Đang xử lý (còn hạn)", "Open (clock running)")
                    .to_string(),
            ),
            ("all".to_string(), lang.pick("Tất cả", "All").to_string()),
        ];
        opts.extend(
            ReportStatus::ALL
                .iter()
                .map(|s| (s.as_str().to_string(), s.label(lang).to_string())),
        );
        opts.into_iter()
            .map(|(v, label)| {
                let is = v == selected;
                view! { <option value=v selected=is>{label}</option> }
            })
            .collect_view()
    };
    let chosen = |name: &str| query.read_untracked().get(name).unwrap_or_default();
    let (kind_now, category_now) = (chosen("kind"), chosen("category"));
    // The committee's review queue: only the reports kept from the unit concerned.
    let review_box = {
        let on = chosen("review") == "true";
        view! {
            <label class="check">
                <input type="checkbox" name="review" value="true" checked=on />
                {lang.pick("Chỉ hàng chờ của ủy ban (không chuyển cho đơn vị bị phản ánh)", "Only the committee's queue (kept from the unit concerned)")}
            </label>
        }
    };
    let kind_options = ReportKind::ALL
        .iter()
        .map(|k| view! { <option value=k.as_str() selected=kind_now == k.as_str()>{k.label(lang)}</option> })
        .collect_view();
    let category_options = ReportCategory::ALL
        .iter()
        .map(|c| view! { <option value=c.as_str() selected=category_now == c.as_str()>{c.label(lang)}</option> })
        .collect_view();
    view! {
        <h1>{lang.pick("Hộp thư phản ánh", "Case inbox")}</h1>
        <form method="get" class="filters">
            <label for="status">{lang.pick("Trạng thái", "Status")}</label>
            <select id="status" name="status">{status_options}</select>
            <label for="kind">{lang.pick("Loại", "Kind")}</label>
            <select id="kind" name="kind">
                <option value="">{lang.pick("Tất cả", "All")}</option>
                {kind_options}
            </select>
            <label for="category">{lang.pick("Vấn đề", "Category")}</label>
            <select id="category" name="category">
                <option value="">{lang.pick("Tất cả", "All")}</option>
                {category_options}
            </select>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    // A reader who may not list them gets no such filters; the inbox still works.
                    let (counters, officers) = choices.await.unwrap_or_default();
                    let counter_now = query.read_untracked().get("counter_id").unwrap_or_default();
                    let officer_now = query.read_untracked().get("staff_id").unwrap_or_default();
                    view! {
                        <label for="counter_id">{lang.pick("Quầy", "Counter")}</label>
                        <select id="counter_id" name="counter_id">
                            <option value="">{lang.pick("Tất cả", "All")}</option>
                            {choice_options(counters, &counter_now)}
                        </select>
                        <label for="staff_id">{lang.pick("Cán bộ bị phản ánh", "Officer concerned")}</label>
                        <select id="staff_id" name="staff_id">
                            <option value="">{lang.pick("Tất cả", "All")}</option>
                            {choice_options(officers, &officer_now)}
                        </select>
                    }
                })}
            </Suspense>
            {review_box}
            <button type="submit" class="button">{lang.pick("Lọc", "Filter")}</button>
        </form>
        <Suspense fallback=move || view! { <p class="loading">{lang.pick("Đang tải…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                let page = match cases.await {
                    Ok(p) => p,
                    Err(e) => return view! { <div class="notice error" role="alert"><p>{e.0.message.get(lang).to_string()}</p></div> }.into_any(),
                };
                if page.items.is_empty() {
                    return view! { <p role="status">{lang.pick("Không có phản ánh nào.", "No cases.")}</p> }.into_any();
                }
                let rows = page.items.clone().into_iter().map(|c| {
                    let href = format!("/admin/cases/{}", c.id);
                    let unread = c.unread.then(|| view! { <strong class="badge">{lang.pick("Chưa xem", "Unread")}</strong>" " });
                    let meeting = c.wants_meeting.then(|| view! { <br /><small>{lang.pick("Xin gặp thủ trưởng", "Asks to meet the head")}</small> });
                    view! {
                        <tr>
                            <td>{unread}<a href=href>{c.tracking_code.clone()}</a></td>
                            <td>{c.kind.label(lang)}<br /><small>{c.category.label(lang)}</small></td>
                            <td>{c.unit_name.clone()}{c.counter_name.clone().map(|n| view! { <br /><small>{n}</small> })}</td>
                            <td>{c.status.label(lang)}{meeting}</td>
                            <td>{datetime_vn(c.created_at)}</td>
                            <td>{deadline_cell(c.deadline.clone(), lang)}</td>
                        </tr>
                    }
                }).collect_view();
                let base = {
                    let q = query.read_untracked();
                    // Every filter and the page size carry over to the next page; only the cursor changes.
                    let kept: Vec<String> = ["status", "unit_id", "kind", "category", "counter_id", "staff_id", "review", "per_page"]
                        .iter()
                        .filter_map(|k| q.get(k).filter(|v| !v.is_empty()).map(|v| format!("{k}={v}")))
                        .collect();
                    format!("/admin/cases?{}", kept.join("&"))
                };
                view! {
                    <div class="table-wrap">
                        <table>
                            <caption class="sr-only">{lang.pick("Phản ánh, hạn gần nhất trước", "Cases, nearest deadline first")}</caption>
                            <thead><tr>
                                <th scope="col">{lang.pick("Mã", "Code")}</th>
                                <th scope="col">{lang.pick("Loại", "Kind")}</th>
                                <th scope="col">{lang.pick("Đơn vị", "Unit")}</th>
                                <th scope="col">{lang.pick("Trạng thái", "Status")}</th>
                                <th scope="col">{lang.pick("Nhận lúc", "Received")}</th>
                                <th scope="col">{lang.pick("Thời hạn", "Deadline")}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                    <CursorPager total=page.describe_total(lang) next=page.next.clone() first=query.read_untracked().get("after").is_some() base />
                }.into_any()
            })}
        </Suspense>
    }
}

/// `<option>`s, one text each (a single text node, as the server wrote it).
fn choice_options(list: Vec<Choice>, selected: &str) -> impl IntoView {
    list.into_iter()
        .map(|c| {
            let is = c.id == selected;
            view! { <option value=c.id selected=is>{c.name}</option> }
        })
        .collect_view()
}

/// The inbox's pages are cursors (the thousandth page costs what the first does): "next"
/// continues after the last case shown, "first page" starts again; the browser's back button
/// goes back a page.
#[component]
fn CursorPager(total: String, next: Option<String>, first: bool, base: String) -> impl IntoView {
    let lang = lang();
    let sep = if base.contains('?') { '&' } else { '?' };
    let first = first.then(|| view! { <a href=base.clone() rel="first">{lang.pick("« Trang đầu", "« First page")}</a> });
    let next = next.map(|cursor| {
        let href = format!("{base}{sep}after={cursor}");
        view! { <a href=href rel="next">{lang.pick("Trang sau ›", "Next ›")}</a> }
    });
    view! {
        <nav class="pager" aria-label=lang.pick("Phân trang", "Pages")>
            <span>{total}</span>
            {first}
            {next}
        </nav>
    }
}

#[component]
pub fn CasePage() -> impl IntoView {
    let lang = lang();
    let params = use_params_map();
    let act = ServerAction::<CaseAction>::new();
    let reveal = ServerAction::<RevealIdentity>::new();
    let case = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                act.version().get(),
                reveal.version().get(),
            )
        },
        |(id, _, _)| get_case(id),
    );
    let (act_error, saved) = outcome(act.value());
    // A refused reveal (a reason too short) shows where the action errors do; a reveal that
    // worked shows the identity itself.
    let error = Signal::derive(move || match reveal.value().get() {
        Some(Err(e)) => Some(e.0),
        _ => act_error.get(),
    });
    view! {
        <p><a href="/admin/cases">{lang.pick("‹ Hộp thư phản ánh", "‹ Case inbox")}</a></p>
        <FormOutcome error saved />
        <Suspense fallback=move || view! { <p class="loading">{lang.pick("Đang tải…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                match case.await {
                    Ok(c) => view! { <CaseView case=c act reveal /> }.into_any(),
                    Err(e) => view! { <div class="notice error" role="alert"><p>{e.0.message.get(lang).to_string()}</p></div> }.into_any(),
                }
            })}
        </Suspense>
        <crate::pages::findings::CaseFindingsSection />
    }
}

#[component]
fn CaseView(
    case: CaseDetail,
    act: ServerAction<CaseAction>,
    reveal: ServerAction<RevealIdentity>,
) -> impl IntoView {
    let lang = lang();
    let s = case.summary.clone();
    let timeline = case
        .timeline
        .iter()
        .map(|e| {
            let what = K::parse(&e.kind)
                .map(|k| k.label(lang).to_string())
                .unwrap_or_else(|| match e.kind.as_str() {
                    "received" => lang.pick("Người dân gửi phản ánh", "Sent by the citizen").into(),
                    "acknowledged" => lang.pick("Hệ thống đã tiếp nhận", "Received by the system").into(),
                    "meeting_requested" => lang.pick("Xin gặp thủ trưởng", "Asks to meet the head").into(),
                    other => other.to_string(),
                });
            let who = match (&e.by_name, &e.by_role) {
                (Some(n), _) => Some(n.clone()),
                (None, Some(r)) => shared::workflow::Actor::parse(r).map(|a| a.label(lang).to_string()),
                _ => None,
            };
            let change = match (e.from_status, e.to_status) {
                (Some(f), Some(t)) if f != t => Some(format!("{} → {}", f.label(lang), t.label(lang))),
                _ => None,
            };
            let internal = (!e.public).then(|| view! { " "<strong class="badge">{lang.pick("Nội bộ", "Internal")}</strong> });
            view! {
                <li class:internal=!e.public>
                    <time>{datetime_vn(e.at)}</time>" · "<strong>{what}</strong>
                    {who.map(|w| format!(" — {w}"))}{internal}
                    {change.map(|c| view! { <br /><small>{c}</small> })}
                    {(!e.text.is_empty()).then(|| view! { <p>{e.text.clone()}</p> })}
                    {e.reason.clone().map(|r| view! { <p>{lang.pick("Lý do: ", "Reason: ")}{r}</p> })}
                </li>
            }
        })
        .collect_view();
    let forms = action_forms(&case, act, lang);
    let apologies = case
        .apologies
        .iter()
        .filter(|a| a.sent_at.is_none())
        .map(|a| view! {
            <div class="notice warning apology" role="note">
                <p><strong>{lang.pick(
                    "Phản ánh đã quá hạn: hệ thống đã soạn sẵn phiếu xin lỗi và hẹn lại ngày trả kết quả. Sửa lý do rồi gửi bằng nút «Trả lời công khai».",
                    "This case is overdue: an apology with a new date has been drafted. Fill in the reason and send it with “Public reply”.",
                )}</strong></p>
                <p class="description">{a.body.clone()}</p>
            </div>
        })
        .collect_view();
    view! {
        <h1>{lang.pick("Phản ánh ", "Case ")}{s.tracking_code.clone()}</h1>
        {apologies}
        <dl class="facts">
            <dt>{lang.pick("Trạng thái", "Status")}</dt><dd><strong>{s.status.label(lang)}</strong></dd>
            <dt>{lang.pick("Thời hạn", "Deadline")}</dt><dd>{deadline_cell(s.deadline.clone(), lang)}</dd>
            <dt>{lang.pick("Loại", "Kind")}</dt><dd>{s.kind.label(lang)}" · "{s.category.label(lang)}</dd>
            <dt>{lang.pick("Đơn vị", "Unit")}</dt><dd>{s.unit_name.clone()}{s.counter_name.clone().map(|n| format!(" · {n}"))}</dd>
            <dt>{lang.pick("Cán bộ bị phản ánh", "Officer concerned")}</dt><dd>{case.staff_name.clone().unwrap_or_else(|| "—".into())}</dd>
            <dt>{lang.pick("Người gửi", "Sender")}</dt><dd>{if s.anonymous { lang.pick("Ẩn danh", "Anonymous") } else { lang.pick("Có danh tính (chỉ ủy ban kiểm tra được xem)", "Identified (only the committee may reveal it)") }}</dd>
            <dt>{lang.pick("Nhận lúc", "Received")}</dt><dd>{datetime_vn(s.created_at)}</dd>
            <dt>{lang.pick("Xảy ra lúc", "Happened")}</dt><dd>{case.occurred_at.map(datetime_vn).unwrap_or_else(|| "—".into())}</dd>
            <dt>{lang.pick("Cán bộ xử lý", "Assigned to")}</dt><dd>{case.assigned_to.clone().unwrap_or_else(|| "—".into())}</dd>
            <dt>{lang.pick("Ảnh", "Photos")}</dt><dd><CasePhotos case=case.clone() /></dd>
            <dt>{lang.pick("Vai trò của bạn", "Your role")}</dt><dd>{case.your_role.label(lang)}</dd>
        </dl>
        {identity_section(&case, reveal, lang)}
        <h2>{lang.pick("Nội dung", "What happened")}</h2>
        <p class="description">{case.description.clone()}</p>
        <h2>{lang.pick("Diễn biến", "Timeline")}</h2>
        <ol class="timeline">{timeline}</ol>
        <h2>{lang.pick("Thao tác", "Actions")}</h2>
        {if case.allowed_actions.is_empty() {
            view! { <p>{lang.pick("Không có thao tác nào ở trạng thái này.", "No action is possible in this status.")}</p> }.into_any()
        } else {
            forms.into_any()
        }}
    }
}

/// For the committee over an identified report: the identity once revealed (or the form to
/// reveal it, with the reason), and every reveal so far, so each member sees who looked and why.
fn identity_section(
    case: &CaseDetail,
    reveal: ServerAction<RevealIdentity>,
    lang: Lang,
) -> Option<impl IntoView> {
    if !case.may_reveal {
        return None;
    }
    let shown = match case.identity.clone() {
        Some(who) => {
            let email = who.email.map(|e| format!(" · {e}")).unwrap_or_default();
            let until = datetime_vn(who.shown_until);
            view! {
                <p class="identity"><strong>{who.full_name}</strong>" · "{who.phone}{email}</p>
                <p class="hint">{format!("{} {until}.", lang.pick("Danh tính hiển thị với riêng bạn đến", "Shown to you alone until"))}</p>
            }.into_any()
        }
        None => {
            let min = REVEAL_REASON_MIN_CHARS.to_string();
            let id = case.summary.id.clone();
            view! {
                <ActionForm action=reveal attr:class="grid-form">
                    <input type="hidden" name="id" value=id />
                    <label for="reveal-reason">{lang.pick("Lý do cần xem danh tính", "Why you need the identity")}</label>
                    <textarea id="reveal-reason" name="reason" rows="2" required minlength=min aria-describedby="reveal-help"></textarea>
                    <p id="reveal-help" class="hint">{lang.pick(
                        "Lần xem được ghi vào nhật ký và hiện cho các thành viên khác của ủy ban, kèm lý do.",
                        "The reveal is logged and shown to the other committee members, with your reason.",
                    )}</p>
                    <button type="submit" class="button">{lang.pick("Xem danh tính người gửi", "Reveal the reporter")}</button>
                </ActionForm>
            }.into_any()
        }
    };
    let reveals = (!case.identity_reveals.is_empty()).then(|| {
        let items = case
            .identity_reveals
            .iter()
            .map(|r| {
                let line = format!(
                    "{} · {} — {}{}",
                    datetime_vn(r.at),
                    r.by_name,
                    lang.pick("lý do: ", "reason: "),
                    r.reason
                );
                view! { <li>{line}</li> }
            })
            .collect_view();
        view! {
            <h3>{lang.pick("Các lần xem danh tính", "Reveals so far")}</h3>
            <ol class="reveals">{items}</ol>
        }
    });
    Some(view! {
        <section class="identity-section" aria-labelledby="identity-heading">
            <h2 id="identity-heading">{lang.pick("Danh tính người gửi", "The reporter's identity")}</h2>
            {shown}
            {reveals}
        </section>
    })
}

/// One form per allowed action, each with the fields its action needs.
fn action_forms(case: &CaseDetail, act: ServerAction<CaseAction>, lang: Lang) -> impl IntoView {
    let id = case.summary.id.clone();
    let min = REASON_MIN_CHARS.to_string();
    let max = TEXT_MAX_CHARS.to_string();
    // An unsent apology fills the public reply, ready to edit and send.
    let apology = case
        .apologies
        .iter()
        .find(|a| a.sent_at.is_none())
        .map(|a| a.body.clone())
        .unwrap_or_default();
    case.allowed_actions
        .iter()
        .map(|&kind| {
            let field_id = |name: &str| format!("{}-{name}", kind.as_str());
            let reason = kind.requires_reason().then(|| view! {
                <label for=field_id("reason")>{lang.pick("Lý do", "Reason")}</label>
                <textarea id=field_id("reason") name="reason" rows="2" required minlength=min.clone() maxlength=max.clone()></textarea>
            });
            let text = kind.requires_text().then(|| {
                let label = match kind {
                    K::NoteInternal => lang.pick("Ghi chú (người dân không thấy)", "Note (the citizen does not see it)"),
                    K::Answer => lang.pick("Kết quả giải quyết (người dân thấy)", "The answer (the citizen sees it)"),
                    _ => lang.pick("Nội dung trả lời (người dân thấy)", "Reply (the citizen sees it)"),
                };
                let prefilled = if kind == K::ReplyPublic { apology.clone() } else { String::new() };
                view! {
                    <label for=field_id("text")>{label}</label>
                    <textarea id=field_id("text") name="text" rows="4" required maxlength=max.clone() prop:value=prefilled.clone()>{prefilled.clone()}</textarea>
                }
            });
            let officer = (kind == K::Assign).then(|| {
                let options = case.officers.iter().map(|o| view! { <option value=o.id.clone()>{o.name.clone()}</option> }).collect_view();
                view! {
                    <label for=field_id("officer")>{lang.pick("Cán bộ", "Officer")}</label>
                    <select id=field_id("officer") name="officer_id" required>
                        <option value="">{lang.pick("— Chọn cán bộ —", "— Choose an officer —")}</option>
                        {options}
                    </select>
                }
            });
            let unit = (kind == K::Forward).then(|| {
                let options = case.forward_units.iter().map(|u| view! { <option value=u.id.clone()>{u.name.clone()}</option> }).collect_view();
                view! {
                    <label for=field_id("unit")>{lang.pick("Cơ quan có thẩm quyền", "Competent body")}</label>
                    <select id=field_id("unit") name="to_unit_id" required>
                        <option value="">{lang.pick("— Chọn đơn vị —", "— Choose a unit —")}</option>
                        {options}
                    </select>
                }
            });
            let decision = matches!(kind, K::Extend | K::DeclareComplex).then(|| view! {
                <label for=field_id("decision")>{lang.pick("Số quyết định (nếu có)", "Decision number (if any)")}</label>
                <input id=field_id("decision") name="decision_no" maxlength="64" />
            });
            let complex_hint = (kind == K::DeclareComplex).then(|| view! {
                <p class="hint">{lang.pick(
                    "Luật Khiếu nại 2011, Điều 28: thời hạn giải quyết thành 45 ngày kể từ ngày thụ lý (vùng sâu, vùng xa: 60 ngày). Chỉ xác định một lần; người khiếu nại thấy quyết định và hạn mới.",
                    "Law on Complaints 2011, art. 28: the resolution period becomes 45 days from acceptance (remote areas: 60). Decided once; the complainant sees the decision and the new date.",
                )}</p>
            });
            let primary = matches!(kind, K::Accept | K::Answer | K::Start);
            let id = id.clone();
            view! {
                <ActionForm action=act attr:class="grid-form case-action">
                    <input type="hidden" name="id" value=id />
                    <input type="hidden" name="action" value=kind.as_str() />
                    {complex_hint}{reason}{text}{officer}{unit}{decision}
                    <button type="submit" class=if primary { "button primary" } else { "button" }>{kind.label(lang)}</button>
                </ActionForm>
            }
        })
        .collect_view()
}
