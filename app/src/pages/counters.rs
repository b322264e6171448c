//! Counters of the units, with their QR tokens.

use crate::components::{
    clear_when_saved, lang, list_query, outcome, FieldMessage, FormOutcome, Pager,
};
use crate::fns::{list_counters, CreateCounter, RotateCounterToken, UpdateCounter};
use crate::pages::layout::me;
use crate::pages::units::{all_units_resource, unit_options};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::model::Role;

#[component]
pub fn CountersPage() -> impl IntoView {
    let lang = lang();
    let is_admin = me().is_some_and(|m| m.account.role == Role::Admin);
    let query = use_query_map();
    let create = ServerAction::<CreateCounter>::new();
    let update = ServerAction::<UpdateCounter>::new();
    let rotate = ServerAction::<RotateCounterToken>::new();
    let counters = Resource::new(
        move || {
            (
                list_query(&query.read()),
                create.version().get(),
                update.version().get(),
                rotate.version().get(),
            )
        },
        |(q, ..)| list_counters(q),
    );
    let all_units = all_units_resource();
    let (error, saved) = outcome(create.value());
    let create_form_ref = NodeRef::new();
    clear_when_saved(create.value(), create_form_ref);
    let (update_error, update_saved) = outcome(update.value());
    let (rotate_error, rotate_saved) = outcome(rotate.value());
    let selected_unit = query.read_untracked().get("unit_id");
    let include_inactive = query.read_untracked().get("include_inactive").is_some();
    view! {
        <h1>{lang.pick("Quầy và mã QR", "Counters and QR codes")}</h1>
        <FormOutcome error=update_error saved=update_saved />
        <FormOutcome error=rotate_error saved=rotate_saved />
        <Suspense fallback=move || view! { <p class="loading">{lang.pick("Đang tải…", "Loading…")}</p> }>
            {move || {
                let selected_unit = selected_unit.clone();
                Suspend::new(async move {
                let units = all_units.await.map(|p| p.items).unwrap_or_default();
                let page = match counters.await {
                    Ok(p) => p,
                    Err(e) => return view! { <div class="notice error" role="alert"><p>{e.0.message.get(lang).to_string()}</p></div> }.into_any(),
                };
                let unit_name = |id: &str| units.iter().find(|u| u.id == id).map(|u| u.name.clone()).unwrap_or_default();
                let rows = page.items.clone().into_iter().map(|c| {
                    let (rename_id, rotate_id, toggle_id) = (c.id.clone(), c.id.clone(), c.id.clone());
                    let (name_input_id, name_label_for, current_name) = (format!("name-{}", c.id), format!("name-{}", c.id), c.name.clone());
                    let toggle_label = if c.active { lang.pick("Đóng quầy", "Close") } else { lang.pick("Mở lại", "Reopen") };
                    view! {
                        <tr>
                            <td>{c.name.clone()}</td>
                            <td>{unit_name(&c.unit_id)}</td>
                            <td>
                                <code title=lang.pick("Mã ngẫu nhiên trong mã QR", "Random token in the QR code")>{c.qr_token.clone()}</code>
                                // rel="external": these are files and print pages, not app routes.
                                <span class="qr-links">
                                    <a href=format!("/admin/counters/{}/poster?size=a4", c.id) rel="external" target="_blank">{lang.pick("Áp phích A4", "A4 poster")}</a>
                                    <a href=format!("/admin/counters/{}/poster?size=a5", c.id) rel="external" target="_blank">"A5"</a>
                                    <a href=format!("/api/v1/counters/{}/qr.png", c.id) rel="external" download="">"PNG"</a>
                                    <a href=format!("/api/v1/counters/{}/qr.svg", c.id) rel="external" download="">"SVG"</a>
                                </span>
                            </td>
                            <td>{if c.active { lang.pick("Đang mở", "Open") } else { lang.pick("Đã đóng", "Closed") }}</td>
                            <td class="actions">
                                {is_admin.then(|| view! {
                                    <ActionForm action=update attr:class="inline">
                                        <input type="hidden" name="id" value=rename_id />
                                        <label class="sr-only" for=name_label_for>{lang.pick("Tên quầy mới", "New counter name")}</label>
                                        <input id=name_input_id name="name" value=current_name maxlength="200" size="16" />
                                        <button type="submit" class="button small">{lang.pick("Đổi tên", "Rename")}</button>
                                    </ActionForm>
                                    <ActionForm action=rotate attr:class="inline">
                                        <input type="hidden" name="id" value=rotate_id />
                                        <button type="submit" class="button small" title=lang.pick("Áp phích đã in với mã cũ sẽ không dùng được nữa", "Posters printed with the old code stop working")>{lang.pick("Đổi mã QR", "New QR token")}</button>
                                    </ActionForm>
                                    <ActionForm action=update attr:class="inline">
                                        <input type="hidden" name="id" value=toggle_id />
                                        <input type="hidden" name="active" value=(!c.active).to_string() />
                                        <button type="submit" class="button small">{toggle_label}</button>
                                    </ActionForm>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view();
                let base = match &selected_unit {
                    Some(u) => format!("/admin/counters?unit_id={u}"),
                    None => "/admin/counters".to_string(),
                };
                let create_options = unit_options(&units, selected_unit.as_deref(), |u| u.active);
                let create_form = is_admin.then(|| view! {
                    <section aria-labelledby="new-counter">
                        <h2 id="new-counter">{lang.pick("Thêm quầy", "Add a counter")}</h2>
                        <FormOutcome error saved />
                        <ActionForm action=create node_ref=create_form_ref attr:class="grid-form">
                            <label for="new-unit_id">{lang.pick("Đơn vị", "Unit")}</label>
                            <select id="new-unit_id" name="unit_id" required>
                                {create_options}
                            </select>
                            <FieldMessage error field="unit_id" />
                            <label for="new-name">{lang.pick("Tên quầy", "Counter name")}</label>
                            <input id="new-name" name="name" required maxlength="200" placeholder=lang.pick("Ví dụ: Quầy 1 - Tư pháp, hộ tịch", "e.g. Counter 1 - Civil status") />
                            <FieldMessage error field="name" />
                            <button type="submit" class="button primary">{lang.pick("Thêm quầy", "Add counter")}</button>
                        </ActionForm>
                    </section>
                });
                view! {
                    <form method="get" class="filters">
                        <label for="unit_id">{lang.pick("Đơn vị", "Unit")}</label>
                        <select id="unit_id" name="unit_id">
                            <option value="">{lang.pick("Tất cả", "All")}</option>
                            {unit_options(&units, selected_unit.as_deref(), |_| true)}
                        </select>
                        <label class="check"><input type="checkbox" name="include_inactive" checked=include_inactive />{lang.pick("Gồm cả quầy đã đóng", "Include closed counters")}</label>
                        <button type="submit" class="button">{lang.pick("Lọc", "Filter")}</button>
                    </form>
                    <div class="table-wrap">
                        <table>
                            <caption class="sr-only">{lang.pick("Danh sách quầy", "List of counters")}</caption>
                            <thead><tr>
                                <th scope="col">{lang.pick("Quầy", "Counter")}</th>
                                <th scope="col">{lang.pick("Đơn vị", "Unit")}</th>
                                <th scope="col">{lang.pick("Mã QR", "QR token")}</th>
                                <th scope="col">{lang.pick("Trạng thái", "Status")}</th>
                                <th scope="col">{lang.pick("Thao tác", "Actions")}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                    <Pager total=page.total page=page.page per_page=page.per_page base />
                    {create_form}
                }.into_any()
            })}}
        </Suspense>
    }
}
