//! The dashboards (thống kê) of heads, committees and administrators, and the officer's
//! monthly scorecard. A plain GET form chooses the unit's period, so both work with
//! JavaScript off; every rate shows its sample and 95% interval, or "chưa đủ đánh giá" under
//! the minimum, never a bare 100% on three ratings.

use crate::charts::{AnswerShares, RateBars, TrendChart};
use crate::components::lang;
use crate::fns::{figures, officer_scorecard};
use crate::format::date_vn;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::calendar::Date;
use shared::citizen::{Satisfaction, SipasCriterion};
use shared::figures::{
    number_vn, CaseCounts, Dashboard, FiguresQuery, PeriodKind, Rate, RatingCounts, Scorecard,
    SubjectFigures, TrendPoint, UnitSort,
};
use shared::table::{dashboard_tables, scorecard_tables, Table};
use shared::Lang;

fn error_notice(e: &crate::error::FnError, lang: Lang) -> AnyView {
    view! { <div class="notice error" role="alert"><p>{e.0.message.get(lang).to_string()}</p></div> }
        .into_any()
}

/// A rate in a table cell: the figure, and under it its sample and interval (or why not).
fn rate_cell(rate: Rate, lang: Lang, vi: &'static str, en: &'static str) -> impl IntoView {
    let title = rate.describe(lang, vi, en);
    view! {
        <td class="num" title=title.clone()>
            <span class="rate">{rate.short()}</span>
            <span class="rate-detail">{match rate.interval_pct() {
                Some((lo, hi)) => format!("{}–{}% · n={}", number_vn(lo), number_vn(hi), rate.n),
                None => format!("{} ({}/{})", lang.pick("chưa đủ", "too few"), rate.n, rate.min_n),
            }}</span>
        </td>
    }
}

fn days_cell(days: Option<f64>) -> impl IntoView {
    view! { <td class="num">{days.map(number_vn).unwrap_or_else(|| "—".into())}</td> }
}

#[component]
pub fn FiguresPage() -> impl IntoView {
    let lang = lang();
    let query = use_query_map();
    let dashboard = Resource::new(
        move || {
            let q = query.read();
            let get = |k: &str| q.get(k).filter(|s| !s.is_empty());
            FiguresQuery {
                unit_id: get("unit_id"),
                period: get("period").and_then(|p| PeriodKind::parse(&p)),
                day: get("day"),
                from: get("from"),
                to: get("to"),
                sort: get("sort").and_then(|s| UnitSort::parse(&s)),
            }
        },
        figures,
    );
    let now = move |k: &str| query.read_untracked().get(k).unwrap_or_default();
    let period_now = now("period");
    let periods = PeriodKind::ALL
        .iter()
        .map(|p| {
            let selected =
                period_now == p.as_str() || (period_now.is_empty() && *p == PeriodKind::Month);
            view! { <option value=p.as_str() selected=selected>{p.label(lang)}</option> }
        })
        .collect_view();
    view! {
        <h1>{lang.pick("Thống kê", "Figures")}</h1>
        <form method="get" class="filters figures-filter">
            <input type="hidden" name="unit_id" value=now("unit_id") />
            <label for="period">{lang.pick("Kỳ", "Period")}</label>
            <select id="period" name="period">{periods}</select>
            <label for="day">{lang.pick("Ngày trong kỳ", "A day in the period")}</label>
            <input id="day" name="day" type="date" value=now("day") />
            <label for="from">{lang.pick("Từ ngày (tùy chọn)", "From (custom)")}</label>
            <input id="from" name="from" type="date" value=now("from") />
            <label for="to">{lang.pick("Đến ngày (tùy chọn)", "To (custom)")}</label>
            <input id="to" name="to" type="date" value=now("to") />
            <button type="submit" class="button">{lang.pick("Xem", "Show")}</button>
        </form>
        <Suspense fallback=move || view! { <p class="loading">{lang.pick("Đang tải…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                match dashboard.await {
                    Ok(d) => dashboard_view(d, lang),
                    Err(e) => error_notice(&e, lang),
                }
            })}
        </Suspense>
    }
}

/// The query string of this dashboard with one parameter changed (links keep the period).
fn link(d: &Dashboard, unit_id: &str, sort: Option<UnitSort>) -> String {
    let mut s = format!(
        "/admin/figures?unit_id={}&period=custom&from={}&to={}",
        unit_id, d.from, d.to
    );
    if let Some(sort) = sort {
        s.push_str(&format!("&sort={}", sort.as_str()));
    }
    s
}

fn dashboard_view(d: Dashboard, lang: Lang) -> AnyView {
    let min = d.min_ratings;
    let satisfaction = d.ratings.satisfaction(min);
    let on_time = d.cases.on_time(min);
    let period = format!("{} – {}", date_vn(&d.from), date_vn(&d.to));
    view! {
        <section class="figures" aria-labelledby="figures-heading">
            <h2 id="figures-heading">{d.unit_name.clone()}" · "{period}</h2>
            <p class="hint">{format!(
                "{} {min} {}",
                lang.pick("Tỷ lệ chỉ được tính khi có ít nhất", "A rate is shown only on at least"),
                lang.pick("đánh giá (hoặc hồ sơ); khoảng tin cậy 95% theo phương pháp Wilson. Đánh giá bị gắn cờ chưa xem xét không được tính.",
                          "ratings (or cases); 95% intervals by Wilson's method. Flagged ratings not yet reviewed are left out."),
            )}</p>
            <div class="key-figures">
                <div class="key-figure">
                    <p class="key-label">{lang.pick("Tỷ lệ hài lòng", "Satisfaction rate")}</p>
                    <p class="key-value">{satisfaction.short()}</p>
                    <p class="key-detail">{satisfaction.describe(lang, "đánh giá", "ratings")}</p>
                </div>
                <div class="key-figure">
                    <p class="key-label">{lang.pick("Giải quyết đúng hạn", "Handled on time")}</p>
                    <p class="key-value">{on_time.short()}</p>
                    <p class="key-detail">{on_time.describe(lang, "thời hạn", "deadlines")}</p>
                </div>
                <div class="key-figure">
                    <p class="key-label">{lang.pick("Phản ánh nhận / đã giải quyết", "Reports received / resolved")}</p>
                    <p class="key-value">{format!("{} / {}", d.cases.received, d.cases.resolved)}</p>
                    <p class="key-detail">{format!(
                        "{}: {} · {}: {}",
                        lang.pick("Thụ lý sau (ngày, trung bình)", "Accepted after (days, mean)"),
                        d.cases.accept_days().map(number_vn).unwrap_or_else(|| "—".into()),
                        lang.pick("trả lời sau", "answered after"),
                        d.cases.answer_days().map(number_vn).unwrap_or_else(|| "—".into()),
                    )}</p>
                </div>
            </div>
            <AnswerShares counts=d.ratings lang=lang min_ratings=min />
            {answers_table(&d.ratings, lang)}
            <RateBars
                rows={SipasCriterion::ALL.into_iter().map(|c| (c.label(lang).to_string(), d.ratings.criterion(c, min))).collect::<Vec<_>>()}
                lang=lang
                title=lang.pick("Tỷ lệ Tốt, Rất tốt theo tiêu chí SIPAS", "Share Good or Very good by SIPAS criterion")
            />
            {criteria_table(&d.ratings, min, lang)}
            <TrendChart points=d.months.clone() min_ratings=min lang=lang on_time=true
                title=lang.pick("Tỷ lệ hài lòng và đúng hạn theo tháng", "Satisfaction and on-time rates by month") />
            {trend_table(lang.pick("Theo tháng", "By month"), &d.months, min, lang)}
            <TrendChart points=d.weeks.clone() min_ratings=min lang=lang on_time=true
                title=lang.pick("Tỷ lệ hài lòng và đúng hạn theo tuần", "Satisfaction and on-time rates by week") />
            {trend_table(lang.pick("Theo tuần", "By week"), &d.weeks, min, lang)}
            {units_table(&d, lang)}
            {subjects_table(&d, false, lang)}
            {subjects_table(&d, true, lang)}
            {cases_tables(&d.cases, min, lang)}
            {downloads(&d, lang)}
        </section>
    }
    .into_any()
}

/// "Tải về": every table in one workbook (`all`, its label), then each table as Excel and as
/// CSV, under `base` (an export address whose query string ends in `&`), then `more`. Plain
/// links, so they work with JavaScript off and carry the session cookie; not printed.
fn downloads_section(
    base: &str,
    all: &'static str,
    tables: Vec<Table>,
    lang: Lang,
    more: impl IntoView,
) -> impl IntoView {
    let links = tables
        .into_iter()
        .filter(|t| !t.rows.is_empty())
        .map(|t| {
            let one = format!("{base}table={}", t.key);
            view! {
                <li>
                    // One text node: a dynamic text next to a static one would not hydrate.
                    {format!("{}: ", t.title.get(lang))}
                    <a href=format!("{one}&format=xlsx")>"Excel"</a>" · "
                    <a href=format!("{one}&format=csv")>"CSV"</a>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="downloads no-print" aria-labelledby="downloads-heading">
            <h3 id="downloads-heading">{lang.pick("Tải về", "Download")}</h3>
            <p><a class="button" href=format!("{base}table=all&format=xlsx")>{all}</a></p>
            <ul class="download-list">{links}</ul>
            {more}
        </section>
    }
}

/// The dashboard as files: every table in one workbook, each table alone, and the month's
/// ratings one per row (the province-wide file streams from the server).
fn downloads(d: &Dashboard, lang: Lang) -> impl IntoView {
    let base = format!(
        "/api/v1/figures/export?unit_id={}&period=custom&from={}&to={}&lang={}&",
        d.unit_id,
        d.from,
        d.to,
        lang.code()
    );
    let month = d.to.get(..7).unwrap_or_default().to_string();
    let ratings = format!(
        "/api/v1/exports/ratings?unit_id={}&month={month}&lang={}",
        d.unit_id,
        lang.code()
    );
    let month_label = Date::parse(&d.to)
        .map(|m| format!("{:02}/{}", m.month(), m.year()))
        .unwrap_or_default();
    let month_ratings = view! {
        <p>
            {format!("{} {month_label}, {}: ", lang.pick("Từng đánh giá của tháng", "Every rating of"), lang.pick("mỗi dòng một đánh giá", "one per row"))}
            <a href=format!("{ratings}&format=xlsx")>"Excel"</a>" · "
            <a href=format!("{ratings}&format=csv")>"CSV"</a>
        </p>
    };
    downloads_section(
        &base,
        lang.pick(
            "Tất cả các bảng (Excel, mỗi bảng một trang tính)",
            "All tables (Excel, one worksheet each)",
        ),
        dashboard_tables(d, lang),
        lang,
        month_ratings,
    )
}

fn answers_table(r: &RatingCounts, lang: Lang) -> impl IntoView {
    let total = r.total();
    let rows = [
        (Satisfaction::VerySatisfied, r.very_satisfied),
        (Satisfaction::Satisfied, r.satisfied),
        (Satisfaction::NotSatisfied, r.not_satisfied),
    ]
    .into_iter()
    .map(|(s, n)| {
        let share = if total > 0 { 100.0 * n as f64 / total as f64 } else { 0.0 };
        view! { <tr><th scope="row">{s.label(lang)}</th><td class="num">{n}</td><td class="num">{format!("{}%", number_vn(share))}</td></tr> }
    })
    .collect_view();
    view! {
        <h3>{lang.pick("Các câu trả lời", "The answers")}</h3>
        <div class="table-wrap">
        <table class="data figures-answers">
            <thead><tr><th scope="col">{lang.pick("Mức độ", "Answer")}</th><th scope="col" class="num">{lang.pick("Số đánh giá", "Ratings")}</th><th scope="col" class="num">{lang.pick("Tỷ trọng", "Share")}</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
        </div>
    }
}

fn criteria_table(r: &RatingCounts, min: i64, lang: Lang) -> impl IntoView {
    let rows = SipasCriterion::ALL
        .into_iter()
        .map(|c| {
            let rate = r.criterion(c, min);
            view! { <tr><th scope="row">{c.label(lang)}</th><td class="num">{rate.n}</td>{rate_cell(rate, lang, "đánh giá", "ratings")}</tr> }
        })
        .collect_view();
    view! {
        <h3>{lang.pick("Theo tiêu chí SIPAS (tỷ lệ Tốt, Rất tốt)", "By SIPAS criterion (share Good or Very good)")}</h3>
        <div class="table-wrap">
        <table class="data figures-criteria">
            <thead><tr><th scope="col">{lang.pick("Tiêu chí", "Criterion")}</th><th scope="col" class="num">{lang.pick("Số người chấm", "Scored by")}</th><th scope="col" class="num">{lang.pick("Tỷ lệ", "Rate")}</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
        </div>
    }
}

fn trend_table(title: &'static str, points: &[TrendPoint], min: i64, lang: Lang) -> impl IntoView {
    let rows = points
        .iter()
        .map(|p| {
            let on_time = Rate::new(p.on_time, p.on_time + p.late, min);
            view! {
                <tr>
                    <th scope="row">{p.label(lang)}</th>
                    <td class="num">{p.ratings.total()}</td>
                    {rate_cell(p.ratings.satisfaction(min), lang, "đánh giá", "ratings")}
                    <td class="num">{p.received}</td>
                    {rate_cell(on_time, lang, "thời hạn", "deadlines")}
                </tr>
            }
        })
        .collect_view();
    view! {
        <h3>{title}</h3>
        <div class="table-wrap">
        <table class="data figures-trend">
            <thead><tr>
                <th scope="col">{lang.pick("Kỳ", "Period")}</th>
                <th scope="col" class="num">{lang.pick("Đánh giá", "Ratings")}</th>
                <th scope="col" class="num">{lang.pick("Hài lòng", "Satisfied")}</th>
                <th scope="col" class="num">{lang.pick("Phản ánh nhận", "Reports")}</th>
                <th scope="col" class="num">{lang.pick("Đúng hạn", "On time")}</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        </div>
    }
}

fn units_table(d: &Dashboard, lang: Lang) -> impl IntoView {
    if d.units.is_empty() {
        return ().into_any();
    }
    let min = d.min_ratings;
    let header = |sort: UnitSort| {
        view! { <th scope="col" class="num"><a href=link(d, &d.unit_id, Some(sort))>{sort.label(lang)}</a></th> }
    };
    let rows = d
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            view! {
                <tr>
                    <td class="num">{i + 1}</td>
                    <th scope="row"><a href=link(d, &u.unit_id, None)>{u.name.clone()}</a></th>
                    {rate_cell(u.ratings.satisfaction(min), lang, "đánh giá", "ratings")}
                    {rate_cell(u.cases.on_time(min), lang, "thời hạn", "deadlines")}
                    <td class="num">{u.cases.received}</td>
                    <td class="num">{u.cases.resolved}</td>
                    <td class="num">{u.ratings.total()}</td>
                    {days_cell(u.cases.accept_days())}
                    {days_cell(u.cases.answer_days())}
                </tr>
            }
        })
        .collect_view();
    view! {
        <h3>{lang.pick("Xếp hạng đơn vị", "Units ranked")}</h3>
        <p class="hint">{lang.pick(
            "Bấm tên cột để xếp theo chỉ số đó. Tỷ lệ xếp theo cận dưới của khoảng tin cậy; đơn vị chưa đủ đánh giá xếp cuối.",
            "Click a column to rank by it. Rates rank by the lower end of their interval; units without enough ratings come last.",
        )}</p>
        <div class="table-wrap">
        <table class="data figures-units">
            <thead><tr>
                <th scope="col" class="num">"#"</th>
                <th scope="col">{lang.pick("Đơn vị", "Unit")}</th>
                {header(UnitSort::Satisfaction)}
                {header(UnitSort::OnTime)}
                {header(UnitSort::Received)}
                {header(UnitSort::Resolved)}
                {header(UnitSort::Ratings)}
                <th scope="col" class="num">{lang.pick("Thụ lý sau (ngày)", "Accepted after (days)")}</th>
                <th scope="col" class="num">{lang.pick("Trả lời sau (ngày)", "Answered after (days)")}</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        </div>
    }
    .into_any()
}

fn subjects_table(d: &Dashboard, officers: bool, lang: Lang) -> impl IntoView {
    let list: &[SubjectFigures] = if officers { &d.officers } else { &d.counters };
    if list.is_empty() {
        return ().into_any();
    }
    let min = d.min_ratings;
    let month = d.to.get(..7).unwrap_or_default().to_string();
    let rows = list
        .iter()
        .map(|s| {
            let name = if officers {
                view! { <a href=format!("/admin/figures/officers/{}?month={month}", s.id)>{s.name.clone()}</a> }.into_any()
            } else {
                s.name.clone().into_any()
            };
            view! {
                <tr>
                    <th scope="row">{name}</th>
                    <td>{s.detail.clone()}</td>
                    <td class="num">{s.ratings.total()}</td>
                    {rate_cell(s.ratings.satisfaction(min), lang, "đánh giá", "ratings")}
                    {rate_cell(s.ratings.criterion(SipasCriterion::Attitude, min), lang, "đánh giá", "ratings")}
                </tr>
            }
        })
        .collect_view();
    let (title, who, detail) = if officers {
        (
            lang.pick("Cán bộ của đơn vị", "The unit's officers"),
            lang.pick(
                "Cán bộ (bấm để xem phiếu đánh giá tháng)",
                "Officer (open the monthly scorecard)",
            ),
            lang.pick("Số hiệu", "Badge"),
        )
    } else {
        (
            lang.pick("Quầy của đơn vị", "The unit's counters"),
            lang.pick("Quầy", "Counter"),
            "",
        )
    };
    view! {
        <h3>{title}</h3>
        <div class="table-wrap">
        <table class=if officers { "data figures-officers" } else { "data figures-counters" }>
            <thead><tr>
                <th scope="col">{who}</th>
                <th scope="col">{detail}</th>
                <th scope="col" class="num">{lang.pick("Đánh giá", "Ratings")}</th>
                <th scope="col" class="num">{lang.pick("Hài lòng", "Satisfied")}</th>
                <th scope="col" class="num">{SipasCriterion::Attitude.label(lang)}</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        </div>
    }
    .into_any()
}

fn count_rows<K: Copy>(list: &[(K, i64)], label: impl Fn(K) -> &'static str) -> impl IntoView {
    list.iter()
        .map(|(k, n)| view! { <tr><th scope="row">{label(*k)}</th><td class="num">{*n}</td></tr> })
        .collect_view()
}

fn cases_tables(c: &CaseCounts, min: i64, lang: Lang) -> impl IntoView {
    let deadlines = c
        .deadlines
        .iter()
        .map(|d| {
            view! {
                <tr>
                    <th scope="row">{d.stage.label(lang)}</th>
                    <td class="num">{d.on_time}</td>
                    <td class="num">{d.late}</td>
                    <td class="num">{d.overdue_open}</td>
                    {rate_cell(d.rate(min), lang, "thời hạn", "deadlines")}
                </tr>
            }
        })
        .collect_view();
    let count_head = |what: &'static str| {
        view! { <thead><tr><th scope="col">{what}</th><th scope="col" class="num">{lang.pick("Số phản ánh", "Reports")}</th></tr></thead> }
    };
    view! {
        <h3>{lang.pick("Thời hạn giải quyết", "Deadlines")}</h3>
        <div class="table-wrap">
        <table class="data figures-deadlines">
            <thead><tr>
                <th scope="col">{lang.pick("Thời hạn", "Deadline")}</th>
                <th scope="col" class="num">{lang.pick("Đúng hạn", "On time")}</th>
                <th scope="col" class="num">{lang.pick("Trễ hạn", "Late")}</th>
                <th scope="col" class="num">{lang.pick("Quá hạn, chưa xong", "Overdue, still open")}</th>
                <th scope="col" class="num">{lang.pick("Tỷ lệ đúng hạn", "On-time rate")}</th>
            </tr></thead>
            <tbody>{deadlines}</tbody>
        </table>
        </div>
        <div class="figures-counts">
            <div class="table-wrap">
            <table class="data figures-kinds">
                <caption>{lang.pick("Nhận trong kỳ, theo loại", "Received, by kind")}</caption>
                {count_head(lang.pick("Loại", "Kind"))}
                <tbody>{count_rows(&c.by_kind, move |k| k.label(lang))}</tbody>
            </table>
            </div>
            <div class="table-wrap">
            <table class="data figures-categories">
                <caption>{lang.pick("Nhận trong kỳ, theo nội dung", "Received, by category")}</caption>
                {count_head(lang.pick("Nội dung", "Category"))}
                <tbody>{count_rows(&c.by_category, move |k| k.label(lang))}</tbody>
            </table>
            </div>
            <div class="table-wrap">
            <table class="data figures-statuses">
                <caption>{lang.pick("Tất cả phản ánh, theo trạng thái hiện nay", "All reports, by status now")}</caption>
                {count_head(lang.pick("Trạng thái", "Status"))}
                <tbody>{count_rows(&c.by_status_now, move |k| k.label(lang))}</tbody>
            </table>
            </div>
        </div>
    }
}

/// The officer's monthly scorecard, for the A/B/C classification meeting; printable.
#[component]
pub fn ScorecardPage() -> impl IntoView {
    let lang = lang();
    let params = use_params_map();
    let query = use_query_map();
    let card = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                query.read().get("month").filter(|s| !s.is_empty()),
            )
        },
        |(id, month)| officer_scorecard(id, month),
    );
    let month_now = query.read_untracked().get("month").unwrap_or_default();
    view! {
        <Suspense fallback=move || view! { <p class="loading">{lang.pick("Đang tải…", "Loading…")}</p> }>
            {move || {
                let month_now = month_now.clone();
                Suspend::new(async move {
                    match card.await {
                        Ok(s) => scorecard_view(s, month_now, lang),
                        Err(e) => error_notice(&e, lang),
                    }
                })
            }}
        </Suspense>
    }
}

fn scorecard_view(s: Scorecard, month_now: String, lang: Lang) -> AnyView {
    let min = s.min_ratings;
    let satisfaction = s.ratings.satisfaction(min);
    let assigned = Rate::new(s.assigned_on_time, s.assigned_on_time + s.assigned_late, 1);
    let month_label = Date::parse(&s.from)
        .map(|d| format!("{:02}/{}", d.month(), d.year()))
        .unwrap_or_default();
    let reports = s
        .reports
        .iter()
        .map(|r| {
            view! {
                <tr>
                    <th scope="row">{r.category.label(lang)}</th>
                    <td class="num">{r.total}</td>
                    <td class="num">{r.founded}</td>
                    <td class="num">{r.partly_founded}</td>
                    <td class="num">{r.unfounded}</td>
                    <td class="num">{r.open}</td>
                </tr>
            }
        })
        .collect_view();
    let no_reports = s.reports.is_empty();
    let base = format!(
        "/api/v1/figures/officers/{}/export?month={}&lang={}&",
        s.staff_id,
        s.from.get(..7).unwrap_or_default(),
        lang.code()
    );
    let tables = scorecard_tables(&s, lang);
    view! {
        <article class="scorecard">
            <h1>{lang.pick("Phiếu tổng hợp kết quả đánh giá cán bộ", "Officer scorecard")}" · "{month_label}</h1>
            <p class="scorecard-who">
                <strong>{s.full_name.clone()}</strong>
                {format!(" · {} · {} {} · {}", s.title, lang.pick("Số hiệu", "Badge"), s.badge_number, s.unit_name)}
            </p>
            <form method="get" class="filters no-print">
                <label for="month">{lang.pick("Tháng", "Month")}</label>
                <input id="month" name="month" type="month" value=month_now />
                <button type="submit" class="button">{lang.pick("Xem", "Show")}</button>
            </form>
            <p class="hint">{format!("{} – {}", date_vn(&s.from), date_vn(&s.to))}</p>
            <h2>{lang.pick("1. Đánh giá của người dân", "1. Citizens' ratings")}</h2>
            <div class="table-wrap">
            <table class="data">
                <tbody>
                    <tr><th scope="row">{Satisfaction::VerySatisfied.label(lang)}</th><td class="num">{s.ratings.very_satisfied}</td></tr>
                    <tr><th scope="row">{Satisfaction::Satisfied.label(lang)}</th><td class="num">{s.ratings.satisfied}</td></tr>
                    <tr><th scope="row">{Satisfaction::NotSatisfied.label(lang)}</th><td class="num">{s.ratings.not_satisfied}</td></tr>
                    <tr><th scope="row">{lang.pick("Tỷ lệ hài lòng", "Satisfaction rate")}</th><td class="num scorecard-rate">{satisfaction.describe(lang, "đánh giá", "ratings")}</td></tr>
                </tbody>
            </table>
            </div>
            {criteria_table(&s.ratings, min, lang)}
            <h2>{lang.pick("2. Phản ánh về cán bộ", "2. Reports about the officer")}</h2>
            {if no_reports {
                view! { <p role="status">{lang.pick("Không có phản ánh nào trong tháng.", "No reports this month.")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                    <table class="data scorecard-reports">
                        <thead><tr>
                            <th scope="col">{lang.pick("Nội dung", "Category")}</th>
                            <th scope="col" class="num">{lang.pick("Tổng", "Total")}</th>
                            <th scope="col" class="num">{lang.pick("Đúng", "Founded")}</th>
                            <th scope="col" class="num">{lang.pick("Đúng một phần", "Partly founded")}</th>
                            <th scope="col" class="num">{lang.pick("Sai", "Unfounded")}</th>
                            <th scope="col" class="num">{lang.pick("Đang giải quyết", "Still open")}</th>
                        </tr></thead>
                        <tbody>{reports}</tbody>
                    </table>
                    </div>
                }.into_any()
            }}
            <h2>{lang.pick("3. Hồ sơ phản ánh được giao xử lý", "3. Cases assigned to the officer")}</h2>
            <p class="scorecard-assigned">{format!(
                "{}: {} · {}: {} · {}",
                lang.pick("Đúng hạn", "On time"),
                s.assigned_on_time,
                lang.pick("Trễ hạn", "Late"),
                s.assigned_late,
                assigned.describe(lang, "thời hạn", "deadlines"),
            )}</p>
            <div class="signatures print-only">
                <p>{lang.pick("Người tổng hợp", "Prepared by")}</p>
                <p>{lang.pick("Thủ trưởng đơn vị", "Head of unit")}</p>
            </div>
            {downloads_section(&base, lang.pick("Cả phiếu (Excel)", "The whole scorecard (Excel)"), tables, lang, ())}
        </article>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_period() {
        let d = Dashboard {
            unit_id: "u1".into(),
            unit_name: "Xã A".into(),
            period: PeriodKind::Month,
            from: "2026-03-01".into(),
            to: "2026-03-31".into(),
            min_ratings: 30,
            ratings: RatingCounts::default(),
            cases: CaseCounts::default(),
            months: vec![],
            weeks: vec![],
            units: vec![],
            counters: vec![],
            officers: vec![],
        };
        assert_eq!(
            link(&d, "u2", Some(UnitSort::OnTime)),
            "/admin/figures?unit_id=u2&period=custom&from=2026-03-01&to=2026-03-31&sort=on_time"
        );
    }
}
