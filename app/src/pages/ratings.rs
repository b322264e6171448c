//! Ratings to review: those flagged as a burst wait here, out of the published figures, until
//! an administrator or the head of the unit counts them or rejects them. Each row has its own
//! two buttons; checked rows are decided together by the form under the table. Every form is a
//! plain HTML post first, then a server action once the page is hydrated.

use crate::components::{lang, outcome, FormOutcome, Pager};
use crate::fns::{list_flagged_ratings, ReviewRatings};
use crate::format::datetime_vn;
use crate::pages::units::{all_units_resource, unit_options};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::review::{flag_reason_label, FlaggedQuery, ReviewOutcome, NOTE_MAX};

/// The id of the batch form, which the rows' checkboxes belong to (`form="…"`): a form
/// cannot hold the table, since each row has a form of its own.
const BATCH_FORM: &str = "batch-review";

#[component]
pub fn RatingsReviewPage() -> impl IntoView {
    let lang = lang();
    let query = use_query_map();
    let review = ServerAction::<ReviewRatings>::new();
    let flagged = Resource::new(
        move || {
            let q = query.read();
            (
                FlaggedQuery {
                    unit_id: q.get("unit_id").filter(|s| !s.is_empty()),
                    page: q.get("page").and_then(|p| p.parse().ok()),
                    per_page: q.get("per_page").and_then(|p| p.parse().ok()),
                },
                review.version().get(),
            )
        },
        |(q, _)| list_flagged_ratings(q),
    );
    let all_units = all_units_resource();
    let (error, saved) = outcome(review.value());
    let selected_unit = query.read_untracked().get("unit_id");
    let counted = ReviewOutcome::Counted.as_str();
    let rejected = ReviewOutcome::Rejected.as_str();
    view! {
        <h1>{lang.pick("Đánh giá cần xem xét", "Ratings to review")}</h1>
        <p class="hint">
            {lang.pick(
                "Các đánh giá gửi dồn dập (quá nhiều tại một quầy trong một phút, hoặc từ một mạng trong mười phút) được lưu nhưng chưa tính vào số liệu công khai cho đến khi được xem xét.",
                "Ratings that came in a burst (too many at one counter within a minute, or from one network within ten minutes) are kept but left out of the published figures until someone reviews them.",
            )}
        </p>
        <FormOutcome error saved />
        <Suspense fallback=move || view! { <p class="loading">{lang.pick("Đang tải…", "Loading…")}</p> }>
            {move || {
                let selected_unit = selected_unit.clone();
                Suspend::new(async move {
                let units = all_units.await.map(|p| p.items).unwrap_or_default();
                let page = match flagged.await {
                    Ok(p) => p,
                    Err(e) => return view! { <div class="notice error" role="alert"><p>{e.0.message.get(lang).to_string()}</p></div> }.into_any(),
                };
                let filters = view! {
                    <form method="get" class="filters">
                        <label for="unit_id">{lang.pick("Đơn vị", "Unit")}</label>
                        <select id="unit_id" name="unit_id">
                            <option value="">{lang.pick("Tất cả đơn vị tôi phụ trách", "All my units")}</option>
                            {unit_options(&units, selected_unit.as_deref(), |_| true)}
                        </select>
                        <button type="submit" class="button">{lang.pick("Lọc", "Filter")}</button>
                    </form>
                };
                if page.items.is_empty() {
                    return view! {
                        {filters}
                        <p role="status">{lang.pick("Không có đánh giá nào cần xem xét.", "No ratings are waiting for review.")}</p>
                    }.into_any();
                }
                let rows = page.items.clone().into_iter().map(|r| {
                    let when = datetime_vn(r.created_at);
                    let check_id = format!("pick-{}", r.id);
                    let check_label = format!(
                        "{} {when}, {}",
                        lang.pick("Chọn đánh giá lúc", "Select the rating of"),
                        r.counter_name
                    );
                    let comment = if r.comment.is_empty() { "—".to_string() } else { r.comment.clone() };
                    let dossier = (!r.dossier_code.is_empty()).then(|| view! {
                        <br /><small>{lang.pick("Mã hồ sơ: ", "Dossier: ")}{r.dossier_code.clone()}</small>
                    });
                    view! {
                        <tr>
                            <td>
                                <label class="sr-only" for=check_id.clone()>{check_label}</label>
                                <input type="checkbox" id=check_id name="rating_ids[]" value=r.id.clone() form=BATCH_FORM />
                            </td>
                            <td>{when}</td>
                            <td>{r.counter_name.clone()}<br /><small>{r.unit_name.clone()}</small></td>
                            <td>{r.staff_name.clone().unwrap_or_else(|| "—".into())}</td>
                            <td>{r.overall.label(lang)}</td>
                            <td>{comment}{dossier}</td>
                            <td>{flag_reason_label(&r.flag_reason, lang)}</td>
                            <td class="actions">
                                <ActionForm action=review attr:class="inline">
                                    <input type="hidden" name="rating_ids[]" value=r.id.clone() />
                                    <button type="submit" name="outcome" value=counted class="button small">{ReviewOutcome::Counted.label(lang)}</button>
                                    <button type="submit" name="outcome" value=rejected class="button small">{ReviewOutcome::Rejected.label(lang)}</button>
                                </ActionForm>
                            </td>
                        </tr>
                    }
                }).collect_view();
                let base = match &selected_unit {
                    Some(u) => format!("/admin/ratings?unit_id={u}"),
                    None => "/admin/ratings".to_string(),
                };
                view! {
                    {filters}
                    <div class="table-wrap">
                        <table>
                            <caption class="sr-only">{lang.pick("Đánh giá bị gắn cờ chờ xem xét, mới nhất trước", "Flagged ratings awaiting review, newest first")}</caption>
                            <thead><tr>
                                <th scope="col">{lang.pick("Chọn", "Select")}</th>
                                <th scope="col">{lang.pick("Thời điểm", "Time")}</th>
                                <th scope="col">{lang.pick("Quầy", "Counter")}</th>
                                <th scope="col">{lang.pick("Cán bộ", "Officer")}</th>
                                <th scope="col">{lang.pick("Mức độ hài lòng", "Rating")}</th>
                                <th scope="col">{lang.pick("Góp ý", "Comment")}</th>
                                <th scope="col">{lang.pick("Lý do gắn cờ", "Why flagged")}</th>
                                <th scope="col">{lang.pick("Thao tác", "Actions")}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                    <Pager total=page.total page=page.page per_page=page.per_page base />
                    <section aria-labelledby="batch-title">
                        <h2 id="batch-title">{lang.pick("Xem xét các đánh giá đã chọn", "Review the selected ratings")}</h2>
                        <ActionForm action=review attr:id=BATCH_FORM attr:class="grid-form">
                            <label for="review-note">{lang.pick("Ghi chú (không bắt buộc)", "Note (optional)")}</label>
                            <input id="review-note" name="note" maxlength=NOTE_MAX.to_string() />
                            <div>
                                <button type="submit" name="outcome" value=counted class="button primary">{ReviewOutcome::Counted.label(lang)}</button>
                                " "
                                <button type="submit" name="outcome" value=rejected class="button">{ReviewOutcome::Rejected.label(lang)}</button>
                            </div>
                        </ActionForm>
                    </section>
                }.into_any()
            })}}
        </Suspense>
    }
}
