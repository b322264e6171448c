//! Charts of the figures, drawn as plain SVG on the server: no chart service, no script, no
//! web font, so they render with JavaScript off, on a cheap phone and on paper.
//!
//! Every chart has a fixed `viewBox` 360 units wide (the width of the phone the citizen pages
//! are designed for) and is drawn at `width: 100%`: the text scales with the drawing, so labels
//! that do not overlap in the `viewBox` never overlap at any size. Every rate that has fewer
//! ratings than the minimum is shown as missing ("chưa đủ đánh giá"), never as 0% or 100%;
//! every value is written in words as well as drawn, and the series differ by shape and dash
//! as well as by colour, so a black-and-white printout and a screen reader say the same.
//!
//! The geometry (scales, label thinning, paths, wrapping) is in plain functions below the
//! components, with unit tests; the components only turn it into elements.

use leptos::prelude::*;
use shared::citizen::Satisfaction;
use shared::figures::{pct_vn, Rate, RatingCounts, TrendPoint};
use shared::Lang;

/// The width of every chart's `viewBox`, in user units (= CSS pixels on a 360 px phone).
pub const WIDTH: f64 = 360.0;
/// The font size of every chart's text, in user units.
pub const FONT: f64 = 12.0;
/// The least space between two labels on an axis.
const LABEL_GAP: f64 = 6.0;

// Colours, each with at least 4.5:1 contrast on white (text) or 3:1 (lines and marks): WCAG AA.
const INK: &str = "#1b1f24";
const MUTED: &str = "#4a5560";
const GRID: &str = "#c9d1d9";
const SATISFACTION: &str = "#0b4f8a";
const BAND: &str = "#d6e2ee";
const ON_TIME: &str = "#8a4b00";
const BAR: &str = "#3a74ad";
const TRACK: &str = "#eef1f4";
const VERY_SATISFIED: &str = "#136c2e";
const SATISFIED_WASH: &str = "#d4ecd9";
const NOT_SATISFIED: &str = "#a3161a";
const NOT_SATISFIED_WASH: &str = "#fbe3e3";

/// The satisfaction rate of each point of a trend (a week or a month), as a line over 0–100%
/// with its Wilson 95% interval as a light band; optionally the on-time rate of case handling
/// as a second, dashed line. A point with fewer than `min_ratings` ratings (or deadlines, for
/// the on-time line) breaks the line and is marked by a hollow shape under the axis.
#[component]
pub fn TrendChart(
    points: Vec<TrendPoint>,
    min_ratings: i64,
    lang: Lang,
    /// Draw the on-time rate too (`on_time / (on_time + late)` of each point).
    #[prop(optional)]
    on_time: bool,
    /// What the chart shows, for its `<title>` ("Tỷ lệ hài lòng theo tháng"); by default
    /// "Tỷ lệ hài lòng" (and "tỷ lệ đúng hạn").
    #[prop(optional, into)]
    title: Option<String>,
) -> impl IntoView {
    let layout = trend_layout(&points, min_ratings, lang, on_time);
    let title = title.unwrap_or_else(|| {
        if on_time {
            lang.pick(
                "Tỷ lệ hài lòng và tỷ lệ giải quyết đúng hạn",
                "Satisfaction rate and on-time rate",
            )
            .to_string()
        } else {
            lang.pick("Tỷ lệ hài lòng", "Satisfaction rate").to_string()
        }
    });
    let summary = format!("{title}. {}", layout.summary);
    let grid = layout
        .y_ticks
        .iter()
        .map(|(y, text)| {
            view! {
                <g>
                    <line x1=num(TREND_LEFT) x2=num(WIDTH - TREND_RIGHT) y1=num(*y) y2=num(*y) stroke=GRID stroke-width="1" />
                    <text x=num(TREND_LEFT - 4.0) y=num(y + FONT * 0.35) text-anchor="end" fill=MUTED>{text.clone()}</text>
                </g>
            }
        })
        .collect_view();
    let bands = layout
        .bands
        .iter()
        .map(|d| view! { <path d=d.clone() fill=BAND stroke="none" /> })
        .collect_view();
    let x_labels = layout
        .x_labels
        .iter()
        .map(|(x, text)| {
            view! { <text x=num(*x) y=num(TREND_LABEL_Y) text-anchor="middle" fill=MUTED>{text.clone()}</text> }
        })
        .collect_view();
    let marks = layout.marks.iter().map(mark_view).collect_view();
    let legend = layout.legend.iter().map(legend_view).collect_view();
    let label = summary.clone();
    view! {
        <svg
            class="chart chart-trend"
            viewBox=format!("0 0 {} {}", num(WIDTH), num(layout.height))
            width="100%"
            preserveAspectRatio="xMinYMin meet"
            role="img"
            aria-label=label
            font-size=num(FONT)
        >
            <title>{summary}</title>
            {grid}
            {bands}
            // The on-time line first: where the two meet, satisfaction (the main figure) is on top.
            <path d=layout.on_time_line.clone() fill="none" stroke=ON_TIME stroke-width="2" stroke-dasharray="6 4" stroke-linejoin="round" />
            <path d=layout.satisfaction_line.clone() fill="none" stroke=SATISFACTION stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round" />
            <line x1=num(TREND_LEFT) x2=num(WIDTH - TREND_RIGHT) y1=num(TREND_BOTTOM) y2=num(TREND_BOTTOM) stroke=MUTED stroke-width="1" />
            {marks}
            {x_labels}
            {legend}
        </svg>
    }
}

/// Horizontal bars of a breakdown (counters, officers, SIPAS criteria...): each row's label,
/// its rate as a bar over 0–100% with the 95% interval as a whisker, and the value written
/// beside it ("87,5%"), or "Chưa đủ đánh giá (12/30)" and no bar under the minimum.
#[component]
pub fn RateBars(
    rows: Vec<(String, Rate)>,
    lang: Lang,
    /// What the chart shows, for its `<title>` ("Tỷ lệ hài lòng theo quầy").
    #[prop(optional, into)]
    title: Option<String>,
    /// What was counted, Vietnamese and English ("đánh giá", "ratings" by default).
    #[prop(optional)]
    noun: Option<(&'static str, &'static str)>,
) -> impl IntoView {
    let (noun_vi, noun_en) = noun.unwrap_or(("đánh giá", "ratings"));
    let layout = bars_layout(&rows, lang, noun_vi, noun_en);
    let title =
        title.unwrap_or_else(|| lang.pick("Tỷ lệ hài lòng", "Satisfaction rate").to_string());
    let summary = if rows.is_empty() {
        format!("{title}: {}", lang.pick("không có dữ liệu.", "no data."))
    } else {
        format!("{title}. {}", layout.summary)
    };
    let axis = layout
        .ticks
        .iter()
        .map(|(x, text, anchor)| {
            view! {
                <g>
                    <line x1=num(*x) x2=num(*x) y1=num(FONT + 3.0) y2=num(BARS_AXIS_H - 2.0) stroke=MUTED stroke-width="1" />
                    <text x=num(*x) y=num(FONT) text-anchor=*anchor fill=MUTED>{text.clone()}</text>
                </g>
            }
        })
        .collect_view();
    let body = layout
        .rows
        .iter()
        .map(|row| {
            let grid = layout
                .ticks
                .iter()
                .map(|(x, _, _)| format!("M{} {} V{}", num(*x), num(row.bar_y), num(row.bar_y + BARS_BAR_H)))
                .collect::<Vec<_>>()
                .join(" ");
            let label = row
                .label_lines
                .iter()
                .enumerate()
                .map(|(i, line)| {
                    view! { <text x="0" y=num(row.label_y + i as f64 * BARS_LINE_H) fill=INK>{line.clone()}</text> }
                })
                .collect_view();
            let bar = row.bar.map(|(width, lo, hi)| {
                let mid = row.bar_y + BARS_BAR_H / 2.0;
                let whisker = format!(
                    "M{lo} {} V{} M{lo} {mid} H{hi} M{hi} {} V{}",
                    num(mid - 5.0),
                    num(mid + 5.0),
                    num(mid - 5.0),
                    num(mid + 5.0),
                    lo = num(lo),
                    hi = num(hi),
                    mid = num(mid),
                );
                view! {
                    <rect x="0" y=num(row.bar_y) width=num(width) height=num(BARS_BAR_H) fill=BAR />
                    // A white halo under the whisker keeps it visible over the bar and the track.
                    <path d=whisker.clone() fill="none" stroke="#ffffff" stroke-width="4" stroke-linecap="round" />
                    <path d=whisker fill="none" stroke=INK stroke-width="1.5" />
                }
            });
            let value = if row.bar.is_some() {
                view! { <text x=num(WIDTH) y=num(row.bar_y + BARS_BAR_H - 2.0) text-anchor="end" fill=INK font-weight="700">{row.value.clone()}</text> }.into_any()
            } else {
                view! { <text x="6" y=num(row.bar_y + BARS_BAR_H - 2.0) fill=MUTED font-style="italic">{row.value.clone()}</text> }.into_any()
            };
            view! {
                <g>
                    <title>{row.description.clone()}</title>
                    {label}
                    <rect x="0" y=num(row.bar_y) width=num(BARS_TRACK_W) height=num(BARS_BAR_H) fill=TRACK stroke=GRID stroke-width="1" />
                    // Gridlines on the track only, never through the labels.
                    <path d=grid.clone() fill="none" stroke=GRID stroke-width="1" />
                    {bar}
                    {value}
                </g>
            }
        })
        .collect_view();
    let label = summary.clone();
    view! {
        <svg
            class="chart chart-bars"
            viewBox=format!("0 0 {} {}", num(WIDTH), num(layout.height))
            width="100%"
            preserveAspectRatio="xMinYMin meet"
            role="img"
            aria-label=label
            font-size=num(FONT)
        >
            <title>{summary}</title>
            {axis}
            {body}
        </svg>
    }
}

/// The three answers (rất hài lòng, hài lòng, không hài lòng) as one stacked bar, each part
/// told apart by its fill pattern as well as its colour, with each answer's words, count and
/// share written under it. Under `min_ratings` ratings the counts are written but no bar or
/// share is drawn: three ratings do not make a "100%".
#[component]
pub fn AnswerShares(
    counts: RatingCounts,
    lang: Lang,
    #[prop(optional)] min_ratings: Option<i64>,
) -> impl IntoView {
    let layout = shares_layout(&counts, min_ratings.unwrap_or(1), lang);
    let summary = format!(
        "{}. {}",
        lang.pick("Các câu trả lời", "The answers"),
        layout.summary
    );
    let segments = layout
        .segments
        .iter()
        .map(|(answer, x, w)| swatch_view(*answer, *x, 0.0, *w, SHARES_BAR_H))
        .collect_view();
    let legend = layout
        .lines
        .iter()
        .map(|(answer, y, text)| {
            view! {
                <g>
                    {swatch_view(*answer, 0.0, y - FONT + 1.0, 14.0, 14.0)}
                    <text x="20" y=num(*y) fill=INK>{text.clone()}</text>
                </g>
            }
        })
        .collect_view();
    let note = layout.note.clone().map(|text| {
        view! { <text x="0" y=num(FONT + 2.0) fill=MUTED font-style="italic">{text}</text> }
    });
    let label = summary.clone();
    view! {
        <svg
            class="chart chart-shares"
            viewBox=format!("0 0 {} {}", num(WIDTH), num(layout.height))
            width="100%"
            preserveAspectRatio="xMinYMin meet"
            role="img"
            aria-label=label
            font-size=num(FONT)
        >
            <title>{summary}</title>
            {segments}
            {note}
            {legend}
        </svg>
    }
}

/// One answer's mark: solid dark green, hatched green, or cross-hatched red, each with an ink
/// outline, so the three differ in grey on paper as well as in colour.
fn swatch_view(answer: Satisfaction, x: f64, y: f64, w: f64, h: f64) -> AnyView {
    let (fill, hatch) = match answer {
        Satisfaction::VerySatisfied => (VERY_SATISFIED, None),
        Satisfaction::Satisfied => (
            SATISFIED_WASH,
            Some((VERY_SATISFIED, hatch_path(x, y, w, h, 5.0, false))),
        ),
        Satisfaction::NotSatisfied => {
            let mut d = hatch_path(x, y, w, h, 5.0, false);
            d.push(' ');
            d.push_str(&hatch_path(x, y, w, h, 5.0, true));
            (NOT_SATISFIED_WASH, Some((NOT_SATISFIED, d)))
        }
    };
    let hatch = hatch
        .map(|(stroke, d)| view! { <path d=d fill="none" stroke=stroke stroke-width="1.2" /> });
    view! {
        <g>
            <rect x=num(x) y=num(y) width=num(w) height=num(h) fill=fill />
            {hatch}
            <rect x=num(x) y=num(y) width=num(w) height=num(h) fill="none" stroke=INK stroke-width="1" />
        </g>
    }
    .into_any()
}

fn mark_view(m: &Mark) -> AnyView {
    let (x, y) = (m.x, m.y);
    match m.shape {
        Shape::Dot => view! {
            <circle cx=num(x) cy=num(y) r="3.5" fill=SATISFACTION stroke="#ffffff" stroke-width="1"><title>{m.title.clone()}</title></circle>
        }
        .into_any(),
        Shape::Square => view! {
            <rect x=num(x - 3.5) y=num(y - 3.5) width="7" height="7" fill=ON_TIME stroke="#ffffff" stroke-width="1"><title>{m.title.clone()}</title></rect>
        }
        .into_any(),
        Shape::HollowDot => view! {
            <circle cx=num(x) cy=num(y) r="3.5" fill="#ffffff" stroke=SATISFACTION stroke-width="1.5"><title>{m.title.clone()}</title></circle>
        }
        .into_any(),
        Shape::HollowSquare => view! {
            <rect x=num(x - 3.5) y=num(y - 3.5) width="7" height="7" fill="#ffffff" stroke=ON_TIME stroke-width="1.5"><title>{m.title.clone()}</title></rect>
        }
        .into_any(),
    }
}

fn legend_view(item: &LegendItem) -> AnyView {
    let (x, y) = (item.x, item.y);
    let mid = y - FONT * 0.35;
    let sample = match item.kind {
        LegendKind::Satisfaction => view! {
            <g>
                <line x1=num(x) x2=num(x + 22.0) y1=num(mid) y2=num(mid) stroke=SATISFACTION stroke-width="2.5" />
                <circle cx=num(x + 11.0) cy=num(mid) r="3.5" fill=SATISFACTION />
            </g>
        }
        .into_any(),
        LegendKind::OnTime => view! {
            <g>
                <line x1=num(x) x2=num(x + 22.0) y1=num(mid) y2=num(mid) stroke=ON_TIME stroke-width="2" stroke-dasharray="6 4" />
                <rect x=num(x + 7.5) y=num(mid - 3.5) width="7" height="7" fill=ON_TIME />
            </g>
        }
        .into_any(),
        LegendKind::Band => view! {
            <rect x=num(x) y=num(mid - 6.0) width="22" height="12" fill=BAND />
        }
        .into_any(),
        LegendKind::TooFew { with_on_time } => {
            let square = with_on_time.then(|| view! {
                <rect x=num(x + 13.0) y=num(mid - 3.5) width="7" height="7" fill="#ffffff" stroke=ON_TIME stroke-width="1.5" />
            });
            let cx = if with_on_time { x + 6.0 } else { x + 11.0 };
            view! {
                <g>
                    <circle cx=num(cx) cy=num(mid) r="3.5" fill="#ffffff" stroke=SATISFACTION stroke-width="1.5" />
                    {square}
                </g>
            }
            .into_any()
        }
    };
    view! {
        <g>
            {sample}
            <text x=num(x + LEGEND_SAMPLE_W) y=num(y) fill=INK>{item.text.clone()}</text>
        </g>
    }
    .into_any()
}

// ---------------------------------------------------------------------------------------------
// Geometry: plain functions, tested below.

/// A number for an SVG attribute: at most one decimal, no "-0", no trailing ".0".
pub fn num(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    let r = if r == 0.0 { 0.0 } else { r };
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// "1.234.567": thousands separated by dots, as Vietnamese readers write them (English
/// readers get commas).
pub fn int_grouped(n: i64, lang: Lang) -> String {
    let sep = match lang {
        Lang::Vi => '.',
        Lang::En => ',',
    };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// A linear map from a domain of values to a range of user units; values outside the domain
/// are held at its ends, so a bad figure can never draw outside the chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Linear {
    pub domain: (f64, f64),
    pub range: (f64, f64),
}

impl Linear {
    pub fn map(&self, v: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        if d1 == d0 || !v.is_finite() {
            return r0;
        }
        let v = v.clamp(d0.min(d1), d0.max(d1));
        r0 + (v - d0) / (d1 - d0) * (r1 - r0)
    }
}

/// The centre of the `i`th of `n` equal slots across `[left, left + width]`.
pub fn slot_centre(i: usize, n: usize, left: f64, width: f64) -> f64 {
    left + width * (i as f64 + 0.5) / n.max(1) as f64
}

/// A generous estimate of the width of `text` at `font` user units in a system sans-serif
/// (no web font: the real face is unknown, so narrow letters count narrow and the rest wide).
pub fn text_width(text: &str, font: f64) -> f64 {
    text.chars()
        .map(|c| match c {
            ' ' => 0.3,
            '/' | '.' | ',' | ':' | ';' | '|' | '!' | '\'' | 'i' | 'l' | 'j' | 'I' | '(' | ')'
            | 'í' | 'ì' | 'ỉ' | 'ĩ' | 'ị' => 0.36,
            '%' | 'M' | 'W' | 'm' | 'w' | '–' | '—' => 0.9,
            c if c.is_uppercase() => 0.72,
            _ => 0.6,
        })
        .sum::<f64>()
        * font
}

/// Which labels to write under points centred at `xs`, and where: every `k`th label, counted
/// back from the latest (the most recent period is always named), for the smallest `k` at
/// which no two labels overlap (with [`LABEL_GAP`] between them) and each stays inside
/// `[0, width]` (a label at an end is pushed inwards).
pub fn thin_labels(labels: &[String], xs: &[f64], font: f64, width: f64) -> Vec<(usize, f64)> {
    let n = labels.len().min(xs.len());
    for stride in 1..=n.max(1) {
        let mut chosen: Vec<usize> = (0..n).rev().step_by(stride).collect();
        chosen.reverse();
        let placed: Vec<(usize, f64, f64)> = chosen
            .iter()
            .map(|&i| {
                let w = text_width(&labels[i], font);
                let x = xs[i].clamp(w / 2.0, (width - w / 2.0).max(w / 2.0));
                (i, x, w)
            })
            .collect();
        let fits = placed
            .windows(2)
            .all(|p| p[0].1 + p[0].2 / 2.0 + LABEL_GAP <= p[1].1 - p[1].2 / 2.0);
        if fits {
            return placed.into_iter().map(|(i, x, _)| (i, x)).collect();
        }
    }
    Vec::new()
}

/// The runs of consecutive present values (a missing value ends a run).
pub fn runs<T: Copy>(values: &[Option<T>]) -> Vec<Vec<T>> {
    let mut out: Vec<Vec<T>> = Vec::new();
    let mut current = Vec::new();
    for v in values {
        match v {
            Some(v) => current.push(*v),
            None if !current.is_empty() => out.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A line through the present points, broken where a point is missing (a gap, never a drop
/// to zero). A run of one point has no line: its marker shows it.
pub fn line_path(points: &[Option<(f64, f64)>]) -> String {
    runs(points)
        .iter()
        .filter(|run| run.len() > 1)
        .map(|run| {
            run.iter()
                .enumerate()
                .map(|(i, (x, y))| {
                    format!("{}{} {}", if i == 0 { 'M' } else { 'L' }, num(*x), num(*y))
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The interval band of each run of present points `(x, y_high, y_low)`: along the upper ends
/// and back along the lower ones. A lone point gets a narrow box `half` wide each side.
pub fn band_paths(points: &[Option<(f64, f64, f64)>], half: f64) -> Vec<String> {
    runs(points)
        .iter()
        .map(|run| {
            let run: Vec<(f64, f64, f64)> = if run.len() == 1 {
                let (x, hi, lo) = run[0];
                vec![(x - half, hi, lo), (x + half, hi, lo)]
            } else {
                run.clone()
            };
            let upper = run.iter().map(|(x, hi, _)| (*x, *hi));
            let lower = run.iter().rev().map(|(x, _, lo)| (*x, *lo));
            let mut d = String::new();
            for (i, (x, y)) in upper.chain(lower).enumerate() {
                if i > 0 {
                    d.push(' ');
                }
                d.push_str(&format!(
                    "{}{} {}",
                    if i == 0 { 'M' } else { 'L' },
                    num(x),
                    num(y)
                ));
            }
            d.push_str(" Z");
            d
        })
        .collect()
}

/// Diagonal hatching of the box at (x, y), `w` by `h`, one line every `step`: rising to the
/// right, or falling with `falling`. Computed, not an SVG `<pattern>`, so that no element id
/// is needed (two charts on a page would otherwise share one).
pub fn hatch_path(x: f64, y: f64, w: f64, h: f64, step: f64, falling: bool) -> String {
    if w <= 0.0 || h <= 0.0 || step <= 0.0 {
        return String::new();
    }
    let mut parts = Vec::new();
    // Lines u + v = k in box coordinates (u right, v up from the bottom for rising lines).
    let mut k = step;
    while k < w + h {
        let u0 = (k - h).max(0.0);
        let u1 = k.min(w);
        if u1 > u0 {
            let (v0, v1) = (k - u0, k - u1);
            // Rising: from the lower left towards the upper right in screen coordinates.
            let (ya, yb) = if falling {
                (y + h - v0, y + h - v1)
            } else {
                (y + v0, y + v1)
            };
            parts.push(format!(
                "M{} {} L{} {}",
                num(x + u0),
                num(ya),
                num(x + u1),
                num(yb)
            ));
        }
        k += step;
    }
    parts.join(" ")
}

/// Greedy word wrap to lines of at most `max_width` user units (a word longer than a line is
/// cut), at most `max_lines` lines, the last ending in "…" when text is left over.
pub fn wrap_words(text: &str, font: f64, max_width: f64, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut cut = false;
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if text_width(&candidate, font) <= max_width {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        if lines.len() == max_lines {
            cut = true;
            break;
        }
        current = word.to_string();
        while text_width(&current, font) > max_width {
            current.pop();
            cut = true;
        }
    }
    if !current.is_empty() {
        if lines.len() < max_lines {
            lines.push(current);
        } else {
            cut = true;
        }
    }
    if cut {
        if let Some(last) = lines.last_mut() {
            while !last.is_empty() && text_width(&format!("{last}…"), font) > max_width {
                last.pop();
            }
            *last = format!("{}…", last.trim_end());
        }
    }
    lines
}

/// Items of `widths` laid left to right, wrapping to a new row when the next would pass
/// `max_width`: the x and row of each.
pub fn flow(widths: &[f64], gap: f64, max_width: f64) -> Vec<(f64, usize)> {
    let mut out = Vec::with_capacity(widths.len());
    let (mut x, mut row) = (0.0, 0);
    for &w in widths {
        if x > 0.0 && x + w > max_width {
            x = 0.0;
            row += 1;
        }
        out.push((x, row));
        x += w + gap;
    }
    out
}

// The trend chart's frame, in user units.
const TREND_LEFT: f64 = 38.0;
const TREND_RIGHT: f64 = 8.0;
const TREND_TOP: f64 = 8.0;
const TREND_BOTTOM: f64 = 158.0;
/// Where the hollow "too few" marks sit: under the axis, outside the 0–100% range, so a
/// missing point can never be read as a value.
const TREND_TOO_FEW_Y: f64 = TREND_BOTTOM + 10.0;
const TREND_LABEL_Y: f64 = TREND_BOTTOM + 30.0;
const TREND_LEGEND_Y: f64 = TREND_BOTTOM + 52.0;
const LEGEND_ROW_H: f64 = 18.0;
const LEGEND_SAMPLE_W: f64 = 27.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Dot,
    Square,
    HollowDot,
    HollowSquare,
}

/// A point's marker, with what it says (the browser shows it on hover).
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub shape: Shape,
    pub x: f64,
    pub y: f64,
    pub title: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegendKind {
    Satisfaction,
    OnTime,
    Band,
    /// The hollow marks: a circle, and a square too when the on-time line is drawn.
    TooFew {
        with_on_time: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct LegendItem {
    pub kind: LegendKind,
    pub x: f64,
    pub y: f64,
    pub text: String,
}

/// Everything the trend chart draws.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendLayout {
    pub height: f64,
    /// (y, "50%") of each gridline.
    pub y_ticks: Vec<(f64, String)>,
    /// (x, "T3/2026") of each label written.
    pub x_labels: Vec<(f64, String)>,
    pub bands: Vec<String>,
    pub satisfaction_line: String,
    pub on_time_line: String,
    pub marks: Vec<Mark>,
    pub legend: Vec<LegendItem>,
    /// Every point in words, for the `aria-label` and `<title>`.
    pub summary: String,
}

/// The on-time rate of a trend point: deadlines met of those that ended.
pub fn point_on_time(p: &TrendPoint, min_n: i64) -> Rate {
    Rate::new(p.on_time, p.on_time + p.late, min_n)
}

pub fn trend_layout(
    points: &[TrendPoint],
    min_n: i64,
    lang: Lang,
    with_on_time: bool,
) -> TrendLayout {
    let n = points.len();
    let plot_w = WIDTH - TREND_LEFT - TREND_RIGHT;
    let y = Linear {
        domain: (0.0, 100.0),
        range: (TREND_BOTTOM, TREND_TOP),
    };
    let xs: Vec<f64> = (0..n)
        .map(|i| slot_centre(i, n, TREND_LEFT, plot_w))
        .collect();
    let labels: Vec<String> = points.iter().map(|p| p.label(lang)).collect();
    let satisfaction: Vec<Rate> = points
        .iter()
        .map(|p| p.ratings.satisfaction(min_n))
        .collect();
    let on_time: Vec<Rate> = points.iter().map(|p| point_on_time(p, min_n)).collect();

    let y_ticks = [0.0, 25.0, 50.0, 75.0, 100.0]
        .iter()
        .map(|v| (y.map(*v), format!("{v}%")))
        .collect();
    let x_labels = thin_labels(&labels, &xs, FONT, WIDTH)
        .into_iter()
        .map(|(i, x)| (x, labels[i].clone()))
        .collect();
    let bands = band_paths(
        &satisfaction
            .iter()
            .zip(&xs)
            .map(|(r, x)| r.interval_pct().map(|(lo, hi)| (*x, y.map(hi), y.map(lo))))
            .collect::<Vec<_>>(),
        3.0,
    );
    let line_of = |rates: &[Rate]| {
        line_path(
            &rates
                .iter()
                .zip(&xs)
                .map(|(r, x)| r.pct().map(|p| (*x, y.map(p))))
                .collect::<Vec<_>>(),
        )
    };
    let satisfaction_line = line_of(&satisfaction);
    let on_time_line = if with_on_time {
        line_of(&on_time)
    } else {
        String::new()
    };

    let sat_name = lang.pick("Hài lòng", "Satisfied");
    let on_time_name = lang.pick("Đúng hạn", "On time");
    // On-time marks first, so that the satisfaction marks are drawn over them.
    let mut marks = Vec::new();
    let mut on_time_marks = Vec::new();
    let mut summary = Vec::new();
    for i in 0..n {
        let sat = satisfaction[i];
        let sat_text = sat.describe(lang, "đánh giá", "ratings");
        let mut said = format!("{} — {sat_name}: {sat_text}", labels[i]);
        let both_missing = with_on_time && !sat.enough() && !on_time[i].enough();
        // When both rates of a point are missing their hollow marks sit side by side.
        let nudge = if both_missing { 4.5 } else { 0.0 };
        marks.push(match sat.pct() {
            Some(p) => Mark {
                shape: Shape::Dot,
                x: xs[i],
                y: y.map(p),
                title: format!("{} — {sat_name}: {sat_text}", labels[i]),
            },
            None => Mark {
                shape: Shape::HollowDot,
                x: xs[i] - nudge,
                y: TREND_TOO_FEW_Y,
                title: format!("{} — {sat_name}: {sat_text}", labels[i]),
            },
        });
        if with_on_time {
            let rate = on_time[i];
            let text = rate.describe(lang, "thời hạn", "deadlines");
            said.push_str(&format!("; {on_time_name}: {text}"));
            on_time_marks.push(match rate.pct() {
                Some(p) => Mark {
                    shape: Shape::Square,
                    x: xs[i],
                    y: y.map(p),
                    title: format!("{} — {on_time_name}: {text}", labels[i]),
                },
                None => Mark {
                    shape: Shape::HollowSquare,
                    x: xs[i] + nudge,
                    y: TREND_TOO_FEW_Y,
                    title: format!("{} — {on_time_name}: {text}", labels[i]),
                },
            });
        }
        summary.push(said);
    }
    on_time_marks.append(&mut marks);
    let marks = on_time_marks;

    let mut items = vec![(
        LegendKind::Satisfaction,
        lang.pick("Tỷ lệ hài lòng", "Satisfaction rate").to_string(),
    )];
    if with_on_time {
        items.push((
            LegendKind::OnTime,
            lang.pick("Tỷ lệ đúng hạn", "On-time rate").to_string(),
        ));
    }
    items.push((
        LegendKind::Band,
        lang.pick("Khoảng tin cậy 95%", "95% interval").to_string(),
    ));
    items.push((
        LegendKind::TooFew { with_on_time },
        format!(
            "{} (< {min_n})",
            lang.pick("Chưa đủ số liệu", "Too few to tell")
        ),
    ));
    let widths: Vec<f64> = items
        .iter()
        .map(|(_, t)| LEGEND_SAMPLE_W + text_width(t, FONT))
        .collect();
    let placed = flow(&widths, 12.0, WIDTH);
    let rows = placed.iter().map(|(_, r)| r + 1).max().unwrap_or(1);
    let legend = items
        .into_iter()
        .zip(placed)
        .map(|((kind, text), (x, row))| LegendItem {
            kind,
            x,
            y: TREND_LEGEND_Y + row as f64 * LEGEND_ROW_H,
            text,
        })
        .collect();
    let summary = if n == 0 {
        lang.pick("Chưa có số liệu.", "No figures yet.").to_string()
    } else {
        format!("{}.", summary.join(". "))
    };
    TrendLayout {
        height: TREND_LEGEND_Y + (rows - 1) as f64 * LEGEND_ROW_H + 8.0,
        y_ticks,
        x_labels,
        bands,
        satisfaction_line,
        on_time_line,
        marks,
        legend,
        summary,
    }
}

// The bar chart's frame.
const BARS_AXIS_H: f64 = 22.0;
const BARS_LINE_H: f64 = 15.0;
const BARS_BAR_H: f64 = 16.0;
const BARS_ROW_GAP: f64 = 12.0;
/// The value column on the right: room for "100,0%" in bold.
const BARS_VALUE_W: f64 = 58.0;
const BARS_TRACK_W: f64 = WIDTH - BARS_VALUE_W;

#[derive(Debug, Clone, PartialEq)]
pub struct BarRow {
    pub label_lines: Vec<String>,
    /// The baseline of the first label line.
    pub label_y: f64,
    pub bar_y: f64,
    /// (bar width, whisker low x, whisker high x), only for a rate that may be shown.
    pub bar: Option<(f64, f64, f64)>,
    /// "87,5%" or "Chưa đủ đánh giá (12/30)".
    pub value: String,
    /// The label and the whole sentence, for the row's `<title>`.
    pub description: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BarsLayout {
    pub height: f64,
    /// (x, "50%", text-anchor) of the scale at the top.
    pub ticks: Vec<(f64, String, &'static str)>,
    pub rows: Vec<BarRow>,
    pub summary: String,
}

pub fn bars_layout(
    rows: &[(String, Rate)],
    lang: Lang,
    noun_vi: &str,
    noun_en: &str,
) -> BarsLayout {
    let x = Linear {
        domain: (0.0, 100.0),
        range: (0.0, BARS_TRACK_W),
    };
    let ticks = [(0.0, "start"), (50.0, "middle"), (100.0, "end")]
        .iter()
        .map(|(v, anchor)| (x.map(*v), format!("{v}%"), *anchor))
        .collect();
    let mut y = BARS_AXIS_H;
    let mut out = Vec::with_capacity(rows.len());
    let mut summary = Vec::with_capacity(rows.len());
    for (label, rate) in rows {
        let label_lines = wrap_words(label, FONT, WIDTH, 2);
        let label_y = y + FONT;
        let bar_y = y + label_lines.len() as f64 * BARS_LINE_H + 4.0;
        let bar = match (rate.pct(), rate.interval_pct()) {
            (Some(p), Some((lo, hi))) => Some((x.map(p), x.map(lo), x.map(hi))),
            _ => None,
        };
        let value = match rate.pct() {
            Some(p) => pct_vn(p),
            None => format!(
                "{} ({}/{})",
                shared::figures::not_enough(lang, noun_vi, noun_en),
                rate.n,
                rate.min_n
            ),
        };
        let description = format!("{label}: {}", rate.describe(lang, noun_vi, noun_en));
        summary.push(description.clone());
        out.push(BarRow {
            label_lines,
            label_y,
            bar_y,
            bar,
            value,
            description,
        });
        y = bar_y + BARS_BAR_H + BARS_ROW_GAP;
    }
    BarsLayout {
        height: y.max(BARS_AXIS_H + 4.0),
        ticks,
        rows: out,
        summary: format!("{}.", summary.join("; ")),
    }
}

const SHARES_BAR_H: f64 = 24.0;
const SHARES_LINE_H: f64 = 20.0;

#[derive(Debug, Clone, PartialEq)]
pub struct SharesLayout {
    pub height: f64,
    /// (answer, x, width) of each part of the bar; empty under the minimum.
    pub segments: Vec<(Satisfaction, f64, f64)>,
    /// (answer, baseline y, "Rất hài lòng: 1.234 (56,7%)") of each line of the legend.
    pub lines: Vec<(Satisfaction, f64, String)>,
    /// Why no bar is drawn.
    pub note: Option<String>,
    pub summary: String,
}

pub fn shares_layout(counts: &RatingCounts, min_n: i64, lang: Lang) -> SharesLayout {
    let answers = [
        (Satisfaction::VerySatisfied, counts.very_satisfied),
        (Satisfaction::Satisfied, counts.satisfied),
        (Satisfaction::NotSatisfied, counts.not_satisfied),
    ];
    let total = counts.total();
    let enough = total > 0 && total >= min_n.max(1);
    let mut segments = Vec::new();
    if enough {
        let scale = Linear {
            domain: (0.0, total as f64),
            range: (0.0, WIDTH),
        };
        let mut before = 0;
        for (answer, count) in answers {
            if count > 0 {
                let x0 = scale.map(before as f64);
                let x1 = scale.map((before + count) as f64);
                segments.push((answer, x0, x1 - x0));
            }
            before += count;
        }
    }
    let note = (!enough).then(|| {
        format!(
            "{} ({}/{})",
            shared::figures::not_enough(lang, "đánh giá", "ratings"),
            total,
            min_n.max(1)
        )
    });
    let first = SHARES_BAR_H + 22.0;
    let lines: Vec<(Satisfaction, f64, String)> = answers
        .iter()
        .enumerate()
        .map(|(i, (answer, count))| {
            let share = if enough {
                format!(" ({})", pct_vn(100.0 * *count as f64 / total as f64))
            } else {
                String::new()
            };
            (
                *answer,
                first + i as f64 * SHARES_LINE_H,
                format!(
                    "{}: {}{share}",
                    answer.label(lang),
                    int_grouped(*count, lang)
                ),
            )
        })
        .collect();
    let mut summary: Vec<String> = lines.iter().map(|(_, _, t)| t.clone()).collect();
    if let Some(note) = &note {
        summary.insert(0, note.clone());
    }
    SharesLayout {
        height: first + 2.0 * SHARES_LINE_H + 8.0,
        segments,
        lines,
        note,
        summary: format!("{}.", summary.join("; ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(m: u32, very: i64, not: i64, on_time: i64, late: i64) -> TrendPoint {
        let last = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][(m - 1) as usize];
        TrendPoint {
            from: format!("2026-{m:02}-01"),
            to: format!("2026-{m:02}-{last}"),
            ratings: RatingCounts {
                very_satisfied: very,
                not_satisfied: not,
                ..Default::default()
            },
            on_time,
            late,
            received: 0,
        }
    }

    fn week(day: u32) -> TrendPoint {
        TrendPoint {
            from: format!("2026-03-{day:02}"),
            to: format!("2026-03-{:02}", day + 6),
            ratings: RatingCounts::default(),
            on_time: 0,
            late: 0,
            received: 0,
        }
    }

    #[test]
    fn numbers_are_short_and_never_negative_zero() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.345), "12.3");
        assert_eq!(num(-0.01), "0");
        assert_eq!(num(-3.25), "-3.3");
        assert_eq!(int_grouped(1_234_567, Lang::Vi), "1.234.567");
        assert_eq!(int_grouped(999, Lang::Vi), "999");
        assert_eq!(int_grouped(1000, Lang::En), "1,000");
        assert_eq!(int_grouped(-12_000, Lang::Vi), "-12.000");
    }

    #[test]
    fn a_scale_maps_ends_and_holds_values_inside() {
        let y = Linear {
            domain: (0.0, 100.0),
            range: (150.0, 10.0),
        };
        assert_eq!(y.map(0.0), 150.0);
        assert_eq!(y.map(100.0), 10.0);
        assert_eq!(y.map(50.0), 80.0);
        assert_eq!(y.map(130.0), 10.0);
        assert_eq!(y.map(-5.0), 150.0);
        assert_eq!(y.map(f64::NAN), 150.0);
        let flat = Linear {
            domain: (3.0, 3.0),
            range: (0.0, 10.0),
        };
        assert_eq!(flat.map(3.0), 0.0);
        assert_eq!(slot_centre(0, 4, 10.0, 40.0), 15.0);
        assert_eq!(slot_centre(3, 4, 10.0, 40.0), 45.0);
    }

    #[test]
    fn a_missing_point_breaks_the_line() {
        let pts = [
            Some((0.0, 10.0)),
            Some((10.0, 20.0)),
            None,
            Some((30.0, 5.0)),
            None,
            Some((50.0, 1.0)),
            Some((60.0, 2.0)),
        ];
        assert_eq!(line_path(&pts), "M0 10 L10 20 M50 1 L60 2");
        assert_eq!(line_path(&[None, None]), "");
        assert_eq!(
            runs(&[None, Some(1), Some(2), None, Some(3)]),
            vec![vec![1, 2], vec![3]]
        );
    }

    #[test]
    fn the_band_goes_along_the_top_and_back_along_the_bottom() {
        let bands = band_paths(
            &[
                Some((0.0, 10.0, 30.0)),
                Some((20.0, 5.0, 25.0)),
                None,
                Some((40.0, 8.0, 12.0)),
            ],
            3.0,
        );
        assert_eq!(bands[0], "M0 10 L20 5 L20 25 L0 30 Z");
        assert_eq!(bands[1], "M37 8 L43 8 L43 12 L37 12 Z");
        assert_eq!(bands.len(), 2);
    }

    fn overlaps(labels: &[(f64, String)]) -> bool {
        labels.windows(2).any(|p| {
            p[0].0 + text_width(&p[0].1, FONT) / 2.0 > p[1].0 - text_width(&p[1].1, FONT) / 2.0
        })
    }

    #[test]
    fn month_labels_are_thinned_so_they_never_overlap_and_the_latest_is_named() {
        // Twelve months as the dashboard sends them, November 2025 to October 2026.
        let points: Vec<TrendPoint> = (0..12)
            .map(|i| {
                let (y, m) = if i < 2 { (2025, 11 + i) } else { (2026, i - 1) };
                let mut p = month(m as u32, 10, 0, 0, 0);
                p.from = format!("{y}-{m:02}-01");
                p.to =
                    shared::figures::month_of(shared::calendar::Date::new(y, m as u32, 1).unwrap())
                        .1
                        .iso();
                p
            })
            .collect();
        for lang in [Lang::Vi, Lang::En] {
            let layout = trend_layout(&points, 30, lang, true);
            assert!(!overlaps(&layout.x_labels), "{:?}", layout.x_labels);
            assert!(
                layout.x_labels.len() >= 3,
                "too thin: {:?}",
                layout.x_labels
            );
            assert!(
                layout.x_labels.len() < 12,
                "12 month labels cannot fit in 360: {:?}",
                layout.x_labels
            );
            let last = layout.x_labels.last().unwrap();
            assert_eq!(last.1, points[11].label(lang));
            for (x, text) in &layout.x_labels {
                let w = text_width(text, FONT);
                assert!(
                    x - w / 2.0 >= 0.0 && x + w / 2.0 <= WIDTH,
                    "{text} at {x} leaves the chart"
                );
            }
        }
    }

    #[test]
    fn thirteen_weeks_fit_with_a_regular_stride() {
        let points: Vec<TrendPoint> = (0..13).map(|i| week(1 + (i % 4) * 7)).collect();
        let layout = trend_layout(&points, 30, Lang::Vi, false);
        assert!(!overlaps(&layout.x_labels));
        let n = points.len();
        let xs: Vec<f64> = (0..n)
            .map(|i| slot_centre(i, n, TREND_LEFT, WIDTH - TREND_LEFT - TREND_RIGHT))
            .collect();
        let labels: Vec<String> = points.iter().map(|p| p.label(Lang::Vi)).collect();
        let chosen: Vec<usize> = thin_labels(&labels, &xs, FONT, WIDTH)
            .iter()
            .map(|(i, _)| *i)
            .collect();
        let strides: Vec<usize> = chosen.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(strides.windows(2).all(|s| s[0] == s[1]), "{chosen:?}");
        assert_eq!(*chosen.last().unwrap(), n - 1);
        // A few wide labels in a narrow space: one label, still inside.
        let wide = vec!["Tháng Mười Hai 2026".to_string(); 3];
        let placed = thin_labels(&wide, &[10.0, 50.0, 90.0], FONT, 100.0);
        assert_eq!(placed.len(), 1);
    }

    #[test]
    fn too_few_ratings_are_a_gap_with_a_hollow_mark_under_the_axis_never_zero_or_full() {
        // 40/40 satisfied, then 5/5 (too few: would read "100%"), then 0/3 (would read "0%"),
        // then 30 of 40.
        let points = vec![
            month(1, 40, 0, 40, 0),
            month(2, 5, 0, 1, 0),
            month(3, 0, 3, 0, 2),
            month(4, 30, 10, 30, 10),
        ];
        let layout = trend_layout(&points, 30, Lang::Vi, true);
        // Two runs of one point each: no line segment crosses the gap.
        assert_eq!(layout.satisfaction_line, "");
        assert_eq!(layout.on_time_line, "");
        let hollow: Vec<&Mark> = layout
            .marks
            .iter()
            .filter(|m| matches!(m.shape, Shape::HollowDot | Shape::HollowSquare))
            .collect();
        assert_eq!(hollow.len(), 4);
        for m in &hollow {
            assert!(
                m.y > TREND_BOTTOM,
                "a missing point is drawn in the value range: {m:?}"
            );
            assert!(m.title.contains("Chưa đủ"), "{}", m.title);
        }
        // Both missing in one month: the two marks sit side by side, not on each other.
        assert_ne!(hollow[0].x, hollow[1].x);
        let filled: Vec<&Mark> = layout
            .marks
            .iter()
            .filter(|m| m.shape == Shape::Dot)
            .collect();
        assert_eq!(filled.len(), 2);
        assert_eq!(filled[0].y, TREND_TOP); // 100% of 40: shown, enough ratings
        assert_eq!(
            filled[1].y,
            TREND_BOTTOM - 0.75 * (TREND_BOTTOM - TREND_TOP)
        );
        assert!(layout.summary.contains("T2/2026 — Hài lòng: Chưa đủ đánh giá (5/30); Đúng hạn: Chưa đủ thời hạn (1/30). T3/2026"), "{}", layout.summary);
        assert!(
            layout.summary.contains("T4/2026 — Hài lòng: 75,0%"),
            "{}",
            layout.summary
        );
        assert!(!layout.summary.contains(": 0,0%"), "{}", layout.summary);
        assert_eq!(layout.bands.len(), 2);

        let joined = trend_layout(
            &[month(5, 30, 10, 0, 0), month(6, 40, 0, 0, 0)],
            30,
            Lang::En,
            false,
        );
        assert!(
            joined.satisfaction_line.starts_with('M') && joined.satisfaction_line.contains(" L")
        );
        assert_eq!(joined.on_time_line, "");
        assert!(joined.marks.iter().all(|m| m.shape == Shape::Dot));
        assert!(joined.legend.iter().all(|l| l.kind != LegendKind::OnTime));
    }

    #[test]
    fn the_legend_wraps_inside_the_width() {
        for lang in [Lang::Vi, Lang::En] {
            let layout = trend_layout(&[month(1, 40, 0, 1, 0)], 30, lang, true);
            assert_eq!(layout.legend.len(), 4);
            for item in &layout.legend {
                assert!(
                    item.x + LEGEND_SAMPLE_W + text_width(&item.text, FONT) <= WIDTH,
                    "{item:?}"
                );
                assert!(item.y < layout.height);
            }
        }
        assert_eq!(
            flow(&[100.0, 100.0, 100.0, 50.0], 10.0, 250.0),
            vec![(0.0, 0), (110.0, 0), (0.0, 1), (110.0, 1)]
        );
    }

    #[test]
    fn bars_write_the_value_or_why_not_and_the_whisker_brackets_the_bar() {
        let rows = vec![
            ("Quầy 1".to_string(), Rate::new(35, 40, 30)),
            ("Nguyễn Văn A".to_string(), Rate::new(12, 12, 30)),
            (
                "Tiếp cận dịch vụ (nơi làm thủ tục, chỗ ngồi, hướng dẫn) và những điều khác rất dài để xuống dòng, rồi còn dài hơn nữa cho đến khi phải cắt bớt đi"
                    .to_string(),
                Rate::new(300, 300, 30),
            ),
        ];
        let layout = bars_layout(&rows, Lang::Vi, "đánh giá", "ratings");
        let r = &layout.rows[0];
        assert_eq!(r.value, "87,5%");
        let (w, lo, hi) = r.bar.unwrap();
        assert!(lo < w && w < hi && hi <= BARS_TRACK_W, "{:?}", r.bar);
        assert_eq!(w, 0.875 * BARS_TRACK_W);
        let r = &layout.rows[1];
        assert_eq!(r.bar, None);
        assert_eq!(r.value, "Chưa đủ đánh giá (12/30)");
        assert!(text_width(&r.value, FONT) + 6.0 < BARS_TRACK_W);
        let r = &layout.rows[2];
        assert_eq!(r.label_lines.len(), 2);
        assert!(r.label_lines.iter().all(|l| text_width(l, FONT) <= WIDTH));
        assert!(r.label_lines[1].ends_with('…'));
        assert_eq!(r.bar.unwrap().0, BARS_TRACK_W);
        assert!(r
            .description
            .starts_with("Tiếp cận dịch vụ (nơi làm thủ tục, chỗ ngồi, hướng dẫn) và"));
        // Rows stack without overlapping, and the chart is tall enough for the last.
        for pair in layout.rows.windows(2) {
            assert!(pair[0].bar_y + BARS_BAR_H < pair[1].label_y - FONT);
        }
        assert!(layout.rows[2].bar_y + BARS_BAR_H <= layout.height);
        assert!(layout
            .summary
            .contains("Nguyễn Văn A: Chưa đủ đánh giá (12/30)"));
        // "100,0%" in bold fits the value column.
        assert!(text_width("100,0%", FONT) * 1.1 <= BARS_VALUE_W);
        let en = bars_layout(&rows[1..2], Lang::En, "thời hạn", "deadlines");
        assert_eq!(en.rows[0].value, "Not enough deadlines yet (12/30)");
    }

    #[test]
    fn words_wrap_and_cut() {
        assert_eq!(wrap_words("Quầy 1", FONT, 360.0, 2), vec!["Quầy 1"]);
        // "aaaa bbbb" is 61.2 units wide at 12: two words a line.
        let lines = wrap_words("aaaa bbbb cccc dddd", FONT, 70.0, 2);
        assert_eq!(lines, vec!["aaaa bbbb", "cccc dddd"]);
        let lines = wrap_words("aaaa bbbb cccc dddd eeee", FONT, 70.0, 2);
        assert_eq!(lines, vec!["aaaa bbbb", "cccc dddd…"]);
        let long = wrap_words(&"x".repeat(100), FONT, 60.0, 2);
        assert_eq!(long.len(), 1);
        assert!(long[0].ends_with('…') && text_width(&long[0], FONT) <= 60.0);
        assert!(wrap_words("", FONT, 60.0, 2).is_empty());
    }

    #[test]
    fn hatching_stays_inside_its_box() {
        for falling in [false, true] {
            let d = hatch_path(10.0, 20.0, 30.0, 12.0, 5.0, falling);
            assert!(d.starts_with('M'));
            let nums: Vec<f64> = d
                .split(['M', 'L', ' '])
                .filter(|s| !s.is_empty())
                .map(|s| s.parse().unwrap())
                .collect();
            for xy in nums.chunks(2) {
                assert!(
                    (10.0..=40.0).contains(&xy[0]) && (20.0..=32.0).contains(&xy[1]),
                    "{d}"
                );
            }
        }
        assert_eq!(hatch_path(0.0, 0.0, 0.0, 10.0, 5.0, false), "");
    }

    #[test]
    fn answer_shares_add_up_and_say_every_count() {
        let counts = RatingCounts {
            very_satisfied: 600,
            satisfied: 300,
            not_satisfied: 100,
            ..Default::default()
        };
        let layout = shares_layout(&counts, 30, Lang::Vi);
        assert_eq!(layout.segments.len(), 3);
        let end = layout.segments.last().map(|(_, x, w)| x + w).unwrap();
        assert!((end - WIDTH).abs() < 1e-9);
        assert_eq!(layout.segments[1].1, 0.6 * WIDTH);
        assert_eq!(layout.lines[0].2, "Rất hài lòng: 600 (60,0%)");
        assert_eq!(layout.lines[2].2, "Không hài lòng: 100 (10,0%)");
        assert_eq!(layout.note, None);
        // An answer nobody gave: no sliver of a bar, but still written.
        let none_unhappy = RatingCounts {
            very_satisfied: 40,
            ..Default::default()
        };
        let layout = shares_layout(&none_unhappy, 30, Lang::Vi);
        assert_eq!(layout.segments.len(), 1);
        assert_eq!(layout.lines[2].2, "Không hài lòng: 0 (0,0%)");
        // Too few: counts, no bar, no shares.
        let few = RatingCounts {
            very_satisfied: 3,
            ..Default::default()
        };
        let layout = shares_layout(&few, 30, Lang::Vi);
        assert!(layout.segments.is_empty());
        assert_eq!(layout.note.as_deref(), Some("Chưa đủ đánh giá (3/30)"));
        assert_eq!(layout.lines[0].2, "Rất hài lòng: 3");
        assert!(!layout.summary.contains('%'), "{}", layout.summary);
        let layout = shares_layout(&RatingCounts::default(), 1, Lang::En);
        assert!(layout.segments.is_empty());
        assert_eq!(layout.note.as_deref(), Some("Not enough ratings yet (0/1)"));
    }
}

#[cfg(test)]
mod render_tests {
    use super::*;

    #[test]
    fn charts_render_as_labelled_scalable_svg() {
        let owner = Owner::new();
        owner.with(|| {
            let points = vec![TrendPoint {
                from: "2026-03-01".into(),
                to: "2026-03-31".into(),
                ratings: RatingCounts {
                    very_satisfied: 30,
                    satisfied: 5,
                    not_satisfied: 5,
                    ..Default::default()
                },
                on_time: 3,
                late: 1,
                received: 4,
            }];
            let html = view! { <TrendChart points=points min_ratings=30 lang=Lang::Vi on_time=true /> }.to_html();
            std::fs::write("/tmp/chart-trend.html", &html).ok();
            assert!(html.contains("viewBox=\"0 0 360 "), "{html}");
            assert!(html.contains("width=\"100%\""));
            assert!(html.contains("role=\"img\""));
            assert!(html.contains("aria-label=\"Tỷ lệ hài lòng và tỷ lệ giải quyết đúng hạn. T3/2026 — Hài lòng: 87,5%"), "{html}");
            assert!(html.contains("<title>Tỷ lệ hài lòng và tỷ lệ giải quyết đúng hạn. T3/2026"));
        });
    }
}
