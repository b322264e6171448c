//! The audit log for the inspection committee ("Nhật ký kiểm toán"): who did what, to which
//! object, when and from where, newest first, with filters and cursor pages. A plain GET form:
//! it works with JavaScript off like every staff page.

use crate::components::lang;
use crate::fns::list_audit;
use crate::format::datetime_vn;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::audit::{action_label, AuditQuery};

/// The query keys the page keeps from one page to the next.
const FILTERS: [&str; 6] = ["actor", "action", "object_kind", "object_id", "from", "to"];

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let lang = lang();
    let query = use_query_map();
    let entries = Resource::new(
        move || {
            let q = query.read();
            let get = |k: &str| q.get(k).filter(|s| !s.is_empty());
            AuditQuery {
                actor: get("actor"),
                action: get("action"),
                object_kind: get("object_kind"),
                object_id: get("object_id"),
                from: get("from"),
                to: get("to"),
                after: get("after"),
                per_page: q.get("per_page").and_then(|p| p.parse().ok()),
            }
        },
        list_audit,
    );
    let now = |k: &str| query.read_untracked().get(k).unwrap_or_default();
    view! {
        <h1>{lang.pick("Nhật ký kiểm toán", "Audit log")}</h1>
        <p>
            {lang.pick(
                "Mỗi mục mang mã băm của mục trước; lệnh “minhbach audit verify” phát hiện mục bị sửa hoặc bị xóa.",
                "Each entry carries the hash of the one before; “minhbach audit verify” finds an edited or deleted entry.",
            )}
        </p>
        <form method="get" class="filters">
            <label for="actor">{lang.pick("Người thực hiện", "Who")}</label>
            <input id="actor" name="actor" type="text" value=now("actor") />
            <label for="action">{lang.pick("Hành động", "Action")}</label>
            <input id="action" name="action" type="text" value=now("action") placeholder="case." />
            <label for="object_kind">{lang.pick("Loại đối tượng", "Object kind")}</label>
            <input id="object_kind" name="object_kind" type="text" value=now("object_kind") placeholder="case" />
            <label for="object_id">{lang.pick("Mã đối tượng", "Object id")}</label>
            <input id="object_id" name="object_id" type="text" value=now("object_id") />
            <label for="from">{lang.pick("Từ ngày", "From")}</label>
            <input id="from" name="from" type="date" value=now("from") />
            <label for="to">{lang.pick("Đến ngày", "To")}</label>
            <input id="to" name="to" type="date" value=now("to") />
            <button type="submit" class="button">{lang.pick("Lọc", "Filter")}</button>
        </form>
        <Suspense fallback=move || view! { <p class="loading">{lang.pick("Đang tải…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                let page = match entries.await {
                    Ok(p) => p,
                    Err(e) => return view! { <div class="notice error" role="alert"><p>{e.0.message.get(lang).to_string()}</p></div> }.into_any(),
                };
                if page.items.is_empty() {
                    return view! { <p role="status">{lang.pick("Không có mục nào.", "No entries.")}</p> }.into_any();
                }
                let rows = page.items.clone().into_iter().map(|e| {
                    let who = if e.actor_username.is_empty() { e.actor_role.clone() } else { e.actor_username.clone() };
                    view! {
                        <tr>
                            <td>{e.id}</td>
                            <td>{datetime_vn(e.at)}</td>
                            <td>{who}<br /><small>{e.actor_role.clone()}</small></td>
                            <td>{action_label(&e.action, lang)}<br /><small><code>{e.action.clone()}</code></small></td>
                            <td>{e.object_kind.clone()}<br /><small><code>{e.object_id.clone()}</code></small></td>
                            <td>{e.from_address.clone().unwrap_or_else(|| "—".into())}</td>
                            <td><small><code>{e.detail.clone()}</code></small></td>
                            <td><small><code title=e.hash.clone()>{e.hash.chars().take(12).collect::<String>()}"…"</code></small></td>
                        </tr>
                    }
                }).collect_view();
                let base = {
                    let q = query.read_untracked();
                    let kept: Vec<String> = FILTERS
                        .iter()
                        .filter_map(|k| q.get(k).filter(|v| !v.is_empty()).map(|v| format!("{k}={}", encode(&v))))
                        .collect();
                    format!("/admin/audit?{}", kept.join("&"))
                };
                let first = query.read_untracked().get("after").is_some().then(|| {
                    view! { <a href=base.clone() rel="first">{lang.pick("« Mới nhất", "« Newest")}</a> }
                });
                let next = page.next.clone().map(|cursor| {
                    let href = format!("{base}&after={cursor}");
                    view! { <a href=href rel="next">{lang.pick("Cũ hơn ›", "Older ›")}</a> }
                });
                view! {
                    <div class="table-wrap">
                        <table>
                            <caption class="sr-only">{lang.pick("Nhật ký kiểm toán, mới nhất trước", "Audit log, newest first")}</caption>
                            <thead><tr>
                                <th scope="col">"#"</th>
                                <th scope="col">{lang.pick("Thời điểm", "When")}</th>
                                <th scope="col">{lang.pick("Người thực hiện", "Who")}</th>
                                <th scope="col">{lang.pick("Hành động", "Action")}</th>
                                <th scope="col">{lang.pick("Đối tượng", "Object")}</th>
                                <th scope="col">{lang.pick("Từ địa chỉ", "From")}</th>
                                <th scope="col">{lang.pick("Chi tiết", "Detail")}</th>
                                <th scope="col">{lang.pick("Mã băm", "Hash")}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                    <nav class="pager" aria-label=lang.pick("Phân trang", "Pages")>
                        {first}
                        {next}
                    </nav>
                }.into_any()
            })}
        </Suspense>
    }
}

/// Percent-encodes a filter value for the pager's links (a username or an id: mostly safe
/// characters already).
fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
