//! The inspection committee's workspace ("Không gian làm việc của ủy ban kiểm tra"): the review
//! queue of its units (the reports routed past the units themselves), and the patterns of a
//! period that point at what to look into, each linking to the reports behind it. A plain GET
//! form chooses the period: it works with JavaScript off like every staff page.

use crate::components::lang;
use crate::fns::{list_cases, oversight_patterns};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::case::CaseQuery;
use shared::oversight::{
    PatternQuery, SubjectPattern, UnitTrend, LOW_SATISFACTION_PCT, MIN_RATINGS, REPEATED_REPORTS,
    TREND_POINTS,
};
use shared::Lang;

#[component]
pub fn OversightPage() -> impl IntoView {
    let lang = lang();
    let query = use_query_map();
    let patterns = Resource::new(
        move || {
            let q = query.read();
            let get = |k: &str| q.get(k).filter(|s| !s.is_empty());
            PatternQuery {
                from: get("from"),
                to: get("to"),
                unit_id: get("unit_id"),
            }
        },
        oversight_patterns,
    );
    // The queue's size: one page of one case is enough, the page carries the total.
    let queue = Resource::new(
        || (),
        |_| {
            list_cases(CaseQuery {
                review: Some(true),
                per_page: Some(1),
                ..Default::default()
            })
        },
    );
    let now = |k: &str| query.read_untracked().get(k).unwrap_or_default();
    view! {
        <h1>{lang.pick("Không gian làm việc của ủy ban kiểm tra", "The committee's workspace")}</h1>
        <form method="get" class="filters">
            <label for="from">{lang.pick("Từ ngày", "From")}</label>
            <input id="from" name="from" type="date" value=now("from") />
            <label for="to">{lang.pick("Đến ngày", "To")}</label>
            <input id="to" name="to" type="date" value=now("to") />
            <button type="submit" class="button">{lang.pick("Xem kỳ này", "Show this period")}</button>
        </form>
        <Suspense fallback=move || view! { <p class="loading">{lang.pick("Đang tải…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                // The patterns answer "forbidden" to anyone but a committee member: then the
                // page says so and shows nothing else, the queue's size included.
                let p = match patterns.await {
                    Ok(p) => p,
                    Err(e) => return view! { <div class="notice error" role="alert"><p>{e.0.message.get(lang).to_string()}</p></div> }.into_any(),
                };
                let queue = match queue.await {
                    Ok(page) => view! {
                        <section aria-labelledby="queue-heading">
                            <h2 id="queue-heading">{lang.pick("Hàng chờ xem xét", "Review queue")}</h2>
                            <p>
                                <strong class="queue-total">{page.describe_total(lang)}</strong>" "
                                {lang.pick(
                                    "đang xử lý, không chuyển cho chính đơn vị bị phản ánh: tố cáo, tham nhũng, nhũng nhiễu, phản ánh về lãnh đạo đơn vị.",
                                    "open, kept from the unit concerned: denunciations, corruption, harassment, reports about the unit's leaders.",
                                )}
                            </p>
                            <p><a class="button primary" href="/admin/cases?review=true">{lang.pick("Mở hàng chờ", "Open the queue")}</a></p>
                        </section>
                    }.into_any(),
                    Err(e) => view! { <div class="notice error" role="alert"><p>{e.0.message.get(lang).to_string()}</p></div> }.into_any(),
                };
                let period = format!("{} – {}", p.from.format_vn(), p.to.format_vn());
                let before = format!("{} – {}", p.before_from.format_vn(), p.before_to.format_vn());
                let body = view! {
                    <h2>{lang.pick("Dấu hiệu cần chú ý", "Patterns to look into")}" · "{period}</h2>
                    <p class="hint">{format!(
                        "{} {REPEATED_REPORTS} {} {LOW_SATISFACTION_PCT:.0}% {} {MIN_RATINGS} {}; {} {TREND_POINTS:.0} {} {before}.",
                        lang.pick("Cán bộ, quầy có từ", "Officers and counters with"),
                        lang.pick("phản ánh trở lên, hoặc tỷ lệ hài lòng dưới", "reports or more, or a satisfaction rate under"),
                        lang.pick("(tính trên ít nhất", "(on at least"),
                        lang.pick("đánh giá)", "ratings)"),
                        lang.pick("đơn vị có tỷ lệ hài lòng giảm hoặc tỷ lệ trễ hạn tăng từ", "units whose satisfaction fell or whose overdue rate rose by"),
                        lang.pick("điểm % so với", "points from"),
                    )}</p>
                    {subjects(&p.officers, true, lang)}
                    {subjects(&p.counters, false, lang)}
                    {unit_trends(&p.units, lang)}
                };
                view! { {queue}{body} }.into_any()
            })}
        </Suspense>
    }
}

/// Officers or counters that stand out, each linking to its reports in the inbox.
fn subjects(list: &[SubjectPattern], officers: bool, lang: Lang) -> impl IntoView {
    let (title, id_key, who) = if officers {
        (
            lang.pick("Cán bộ", "Officers"),
            "staff_id",
            lang.pick("Cán bộ", "Officer"),
        )
    } else {
        (
            lang.pick("Quầy", "Counters"),
            "counter_id",
            lang.pick("Quầy", "Counter"),
        )
    };
    let body = if list.is_empty() {
        view! { <p role="status">{lang.pick("Không có dấu hiệu nào trong kỳ.", "Nothing stands out in this period.")}</p> }.into_any()
    } else {
        let rows = list
            .iter()
            .map(|p| {
                let href = format!("/admin/cases?status=all&{id_key}={}", p.id);
                let low = p.ratings.is_low().then(|| view! { " "<strong class="badge">{lang.pick("Thấp", "Low")}</strong> });
                let repeated = p.repeated_reports().then(|| view! { " "<strong class="badge">{lang.pick("Lặp lại", "Repeated")}</strong> });
                view! {
                    <tr>
                        <td>{p.name.clone()}<br /><small>{p.unit_name.clone()}</small></td>
                        <td><a href=href>{format!("{} {}", p.reports, lang.pick("phản ánh", "reports"))}</a>{repeated}</td>
                        <td>{p.ratings.describe(lang)}{low}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-wrap">
                <table class="patterns">
                    <thead><tr>
                        <th scope="col">{who}</th>
                        <th scope="col">{lang.pick("Phản ánh trong kỳ", "Reports in the period")}</th>
                        <th scope="col">{lang.pick("Tỷ lệ hài lòng", "Satisfaction")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! { <h3>{title}</h3>{body} }
}

/// Units whose satisfaction fell or whose overdue rate rose, each linking to its cases.
fn unit_trends(list: &[UnitTrend], lang: Lang) -> impl IntoView {
    let body = if list.is_empty() {
        view! { <p role="status">{lang.pick("Không có đơn vị nào xấu đi so với kỳ trước.", "No unit got worse than in the period before.")}</p> }.into_any()
    } else {
        let pct = |v: Option<f64>| v.map(|v| format!("{v:.0}%")).unwrap_or_else(|| "—".into());
        let rows = list
            .iter()
            .map(|u| {
                let href = format!("/admin/cases?status=all&unit_id={}", u.unit_id);
                let overdue = format!(
                    "{} → {} ({}/{})",
                    pct(UnitTrend::overdue_pct(u.cases_before, u.overdue_before)),
                    pct(UnitTrend::overdue_pct(u.cases_now, u.overdue_now)),
                    u.overdue_now,
                    u.cases_now
                );
                let satisfaction = format!(
                    "{} → {}",
                    u.ratings_before.describe(lang),
                    u.ratings_now.describe(lang)
                );
                view! {
                    <tr>
                        <td><a href=href>{u.unit_name.clone()}</a></td>
                        <td>{satisfaction}</td>
                        <td>{overdue}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-wrap">
                <table class="patterns">
                    <thead><tr>
                        <th scope="col">{lang.pick("Đơn vị", "Unit")}</th>
                        <th scope="col">{lang.pick("Hài lòng: kỳ trước → kỳ này", "Satisfaction: before → now")}</th>
                        <th scope="col">{lang.pick("Trễ hạn: kỳ trước → kỳ này", "Overdue: before → now")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! { <h3>{lang.pick("Đơn vị", "Units")}</h3>{body} }
}
