//! Pieces every admin page uses: the outcome of a form, field errors, paging.

use crate::error::decode_from_url;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::{ApiError, Lang};

pub fn lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// The error a plain (no-JavaScript) form post brought back in the `err` query.
pub fn url_error() -> Signal<Option<ApiError>> {
    let query = use_query_map();
    Signal::derive(move || query.read().get("err").and_then(|v| decode_from_url(&v)))
}

/// Whether a form came back saved (`ok=saved`).
pub fn url_saved() -> Signal<bool> {
    let query = use_query_map();
    Signal::derive(move || query.read().get("ok").as_deref() == Some("saved"))
}

/// The outcome of a form sent through a server action: the action's own result when the WASM
/// app sent it, else what a plain form post brought back in the URL.
pub fn outcome<T, S>(value: S) -> (Signal<Option<ApiError>>, Signal<bool>)
where
    T: Send + Sync + 'static,
    S: Get<Value = Option<Result<T, crate::error::FnError>>> + Send + Sync + Clone + 'static,
{
    let from_url = url_error();
    let saved_url = url_saved();
    let v = value.clone();
    let error = Signal::derive(move || match v.get() {
        Some(Err(e)) => Some(e.0),
        Some(Ok(_)) => None,
        None => from_url.get(),
    });
    let saved = Signal::derive(move || match value.get() {
        Some(Ok(_)) => true,
        Some(Err(_)) => false,
        None => saved_url.get(),
    });
    (error, saved)
}

/// Empties a "create" form once the WASM app has saved it, so that a second tap does not send
/// the same record again. (With JavaScript off the page reloads with an empty form anyway.)
pub fn clear_when_saved<T, S>(value: S, form: NodeRef<leptos::html::Form>)
where
    T: Send + Sync + 'static,
    S: Get<Value = Option<Result<T, crate::error::FnError>>> + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            if let Some(form) = form.get_untracked() {
                form.reset();
            }
        }
    });
}

/// The outcome banner of a form: "saved" or the refusal with every field's reason.
#[component]
pub fn FormOutcome(
    #[prop(into)] error: Signal<Option<ApiError>>,
    #[prop(into)] saved: Signal<bool>,
) -> impl IntoView {
    let lang = lang();
    move || {
        if let Some(err) = error.get() {
            let fields = err
                .fields
                .iter()
                .map(|f| {
                    let line = f
                        .line
                        .map(|l| format!("{} {l}: ", lang.pick("Dòng", "Line")))
                        .unwrap_or_default();
                    view! { <li>{line}{f.message.get(lang).to_string()}</li> }
                })
                .collect_view();
            view! {
                <div class="notice error" role="alert">
                    <p>{err.message.get(lang).to_string()}</p>
                    <ul>{fields}</ul>
                </div>
            }
            .into_any()
        } else if saved.get() {
            view! { <div class="notice ok" role="status"><p>{lang.pick("Đã lưu.", "Saved.")}</p></div> }.into_any()
        } else {
            ().into_any()
        }
    }
}

/// The message for one field, shown under its input.
pub fn field_error(
    error: Signal<Option<ApiError>>,
    field: &'static str,
) -> impl Fn() -> Option<String> + Send + Sync + Clone + 'static {
    move || {
        let lang = use_context::<Lang>().unwrap_or_default();
        error.get().and_then(|e| {
            e.fields
                .iter()
                .find(|f| f.field == field)
                .map(|f| f.message.get(lang).to_string())
        })
    }
}

#[component]
pub fn FieldMessage(
    #[prop(into)] error: Signal<Option<ApiError>>,
    field: &'static str,
) -> impl IntoView {
    let msg = field_error(error, field);
    let id = format!("err-{field}");
    move || msg().map(|m| view! { <p class="field-error" id=id.clone()>{m}</p> })
}

/// "Page 2 of 7 · Previous · Next", as plain links that keep the other query parameters.
#[component]
pub fn Pager(total: i64, page: u32, per_page: u32, base: String) -> impl IntoView {
    let lang = lang();
    let pages = ((total.max(0) as u64).div_ceil(per_page.max(1) as u64)).max(1) as u32;
    let link = move |p: u32| {
        let sep = if base.contains('?') { '&' } else { '?' };
        format!("{base}{sep}page={p}")
    };
    let prev = (page > 1).then(|| view! { <a href=link(page - 1) rel="prev">{lang.pick("‹ Trang trước", "‹ Previous")}</a> });
    let next = (page < pages).then(
        || view! { <a href=link(page + 1) rel="next">{lang.pick("Trang sau ›", "Next ›")}</a> },
    );
    view! {
        <nav class="pager" aria-label=lang.pick("Phân trang", "Pages")>
            <span>{format!("{} {page}/{pages} · {total} {}", lang.pick("Trang", "Page"), lang.pick("bản ghi", "records"))}</span>
            {prev}
            {next}
        </nav>
    }
}

/// The list query (search, filters, page) of a list page's URL.
pub fn list_query(q: &leptos_router::params::ParamsMap) -> shared::model::ListQuery {
    shared::model::ListQuery {
        unit_id: q.get("unit_id").filter(|s| !s.is_empty()),
        q: q.get("q").filter(|s| !s.is_empty()),
        include_inactive: q.get("include_inactive").map(|v| v == "on" || v == "true"),
        page: q.get("page").and_then(|p| p.parse().ok()),
        per_page: q.get("per_page").and_then(|p| p.parse().ok()),
    }
}
