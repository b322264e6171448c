//! A case's photos on its page, and their redaction ("Che ảnh"). Thumbnails link to the full
//! photo; both come from the case's photo endpoint, which checks the reader as the case page
//! does and serves a redacted photo's redacted copy (the committee may open the original).
//!
//! The committee and the head handling the case get a form per photo: the photo under a grid of
//! tenths, the regions drawn over it, and a row per region (left, top, width, height in percent,
//! black out or blur). With JavaScript off it is a plain form; once hydrated, dragging across the
//! photo fills the next free row, and the boxes follow what is typed.

use crate::components::{lang, FormOutcome};
use crate::fns::RedactPhoto;
use leptos::prelude::*;
use shared::case::CaseDetail;
use shared::redaction::{
    request_from_form, thousandths_to_percent, PhotoRedaction, RedactionMode, RegionForm, FULL,
    MAX_REGIONS, MIN_SIDE,
};
use shared::workflow::Actor;

/// Empty rows offered beyond a photo's regions: without JavaScript, the way to add regions.
const BLANK_ROWS: usize = 3;

/// The address of a case's photo. A redaction's time versions it, so that a page shows a new
/// rendering at once rather than the copy the browser already holds.
fn photo_url(
    case_id: &str,
    photo_id: &str,
    redaction: Option<&PhotoRedaction>,
    thumb: bool,
    original: bool,
) -> String {
    let mut query = Vec::new();
    if thumb {
        query.push("thumb=true".to_string());
    }
    if original {
        query.push("original=true".to_string());
    } else if let Some(r) = redaction {
        query.push(format!("v={}", r.redacted_at));
    }
    let base = format!("/api/v1/cases/{case_id}/photos/{photo_id}");
    if query.is_empty() {
        base
    } else {
        format!("{base}?{}", query.join("&"))
    }
}

/// The photos of a case: thumbnails (a redacted one says so), and for those who may redact, a
/// redaction form per photo.
#[component]
pub fn CasePhotos(case: CaseDetail) -> impl IntoView {
    let lang = lang();
    if case.photos.is_empty() {
        return view! { "—" }.into_any();
    }
    let case_id = case.summary.id.clone();
    let committee = case.your_role == Actor::Committee;
    let photos: Vec<(usize, String, RwSignal<Option<PhotoRedaction>>)> = case
        .photos
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let redaction = case
                .photo_redactions
                .iter()
                .find(|r| &r.photo_id == id)
                .cloned();
            (i + 1, id.clone(), RwSignal::new(redaction))
        })
        .collect();
    let thumbs = photos
        .iter()
        .map(|(n, photo_id, redaction)| {
            let (n, redaction) = (*n, *redaction);
            let (cid, pid) = (case_id.clone(), photo_id.clone());
            let full = move || redaction.with(|r| photo_url(&cid, &pid, r.as_ref(), false, false));
            let (cid, pid) = (case_id.clone(), photo_id.clone());
            let thumb = move || redaction.with(|r| photo_url(&cid, &pid, r.as_ref(), true, false));
            let original = photo_url(&case_id, photo_id, None, false, true);
            let alt = move || {
                let what = lang.pick("Ảnh", "Photo");
                if redaction.with(Option::is_some) {
                    format!("{what} {n} {}", lang.pick("(đã che)", "(redacted)"))
                } else {
                    format!("{what} {n}")
                }
            };
            let note = move || {
                redaction.get().map(|r| {
                    let by = r.by_name.map(|b| format!(" · {b}")).unwrap_or_default();
                    let original = committee.then(|| {
                        view! { " · "<a href=original.clone()>{lang.pick("Ảnh gốc", "Original")}</a> }
                    });
                    view! {
                        <small class="redacted-note">
                            {lang.pick("Đã che", "Redacted")}" "{crate::format::datetime_vn(r.redacted_at)}{by}{original}
                        </small>
                    }
                })
            };
            view! {
                <li>
                    <a href=full><img src=thumb alt=alt width="96" loading="lazy" /></a>
                    {note}
                </li>
            }
        })
        .collect_view();
    let editors = case.may_redact_photos.then(|| {
        photos
            .iter()
            .map(|(n, photo_id, redaction)| {
                view! {
                    <PhotoRedactor
                        case_id=case_id.clone()
                        photo_id=photo_id.clone()
                        number=*n
                        redaction=*redaction
                        committee=committee
                    />
                }
            })
            .collect_view()
    });
    view! {
        <ul class="case-photos">{thumbs}</ul>
        {editors}
    }
    .into_any()
}

/// One row of the form, each field its own signal so that typing re-renders nothing else.
#[derive(Clone, Copy)]
struct RegionRow {
    /// Stable while the row exists (the list is keyed by it).
    key: usize,
    x: RwSignal<String>,
    y: RwSignal<String>,
    w: RwSignal<String>,
    h: RwSignal<String>,
    mode: RwSignal<String>,
    drop: RwSignal<bool>,
}

impl RegionRow {
    fn new(key: usize, form: RegionForm) -> RegionRow {
        RegionRow {
            key,
            x: RwSignal::new(form.x),
            y: RwSignal::new(form.y),
            w: RwSignal::new(form.w),
            h: RwSignal::new(form.h),
            mode: RwSignal::new(if form.mode.is_empty() {
                RedactionMode::Black.as_str().to_string()
            } else {
                form.mode
            }),
            drop: RwSignal::new(!form.drop.is_empty()),
        }
    }

    fn form(&self) -> RegionForm {
        RegionForm {
            x: self.x.get(),
            y: self.y.get(),
            w: self.w.get(),
            h: self.h.get(),
            mode: self.mode.get(),
            drop: if self.drop.get() {
                "1".into()
            } else {
                String::new()
            },
        }
    }

    fn is_free(&self) -> bool {
        let f = self.form();
        f.is_blank() && f.drop.is_empty()
    }
}

/// The rows for a photo's regions, then the blank ones (at most `MAX_REGIONS` in all).
fn rows_for(redaction: Option<&PhotoRedaction>, first_key: usize) -> Vec<RegionRow> {
    let regions: Vec<RegionForm> = redaction
        .map(|r| r.regions.iter().map(RegionForm::of).collect())
        .unwrap_or_default();
    let count = (regions.len() + BLANK_ROWS).min(MAX_REGIONS);
    (0..count)
        .map(|i| RegionRow::new(first_key + i, regions.get(i).cloned().unwrap_or_default()))
        .collect()
}

/// Where a pointer is over the photo, in fractions of its width and height.
fn point_on(
    canvas: NodeRef<leptos::html::Div>,
    ev: &leptos::ev::PointerEvent,
) -> Option<(f64, f64)> {
    let el = canvas.get_untracked()?;
    let rect = el.get_bounding_client_rect();
    if rect.width() <= 0.0 || rect.height() <= 0.0 {
        return None;
    }
    let x = (f64::from(ev.client_x()) - rect.left()) / rect.width();
    let y = (f64::from(ev.client_y()) - rect.top()) / rect.height();
    Some((x.clamp(0.0, 1.0), y.clamp(0.0, 1.0)))
}

fn thousandths(fraction: f64) -> u16 {
    (fraction * f64::from(FULL))
        .round()
        .clamp(0.0, f64::from(FULL)) as u16
}

fn percent_style(x: u16, y: u16, w: u16, h: u16) -> String {
    let p = |v: u16| f64::from(v) / 10.0;
    format!(
        "left:{:.1}%;top:{:.1}%;width:{:.1}%;height:{:.1}%",
        p(x),
        p(y),
        p(w),
        p(h)
    )
}

#[component]
fn PhotoRedactor(
    case_id: String,
    photo_id: String,
    number: usize,
    redaction: RwSignal<Option<PhotoRedaction>>,
    committee: bool,
) -> impl IntoView {
    let lang = lang();
    let action = ServerAction::<RedactPhoto>::new();
    let rows = RwSignal::new(rows_for(redaction.get_untracked().as_ref(), 0));
    let next_key = StoredValue::new(rows.read_untracked().len());
    // Saved with the WASM app: the page stays; show the new rendering and the saved rows.
    Effect::new(move |_| {
        if let Some(Ok(saved)) = action.value().get() {
            let first = next_key.get_value();
            let fresh = rows_for(Some(&saved), first);
            next_key.set_value(first + fresh.len());
            rows.set(fresh);
            redaction.set(Some(saved));
        }
    });
    let error = Signal::derive(move || match action.value().get() {
        Some(Err(e)) => Some(e.0),
        _ => None,
    });
    let saved = Signal::derive(move || matches!(action.value().get(), Some(Ok(_))));

    // The committee draws on the original; the head on what it may see (the redacted copy).
    let image = {
        let (cid, pid) = (case_id.clone(), photo_id.clone());
        move || redaction.with(|r| photo_url(&cid, &pid, r.as_ref(), false, committee))
    };
    let canvas = NodeRef::<leptos::html::Div>::new();
    let drawing = RwSignal::new(None::<(f64, f64, f64, f64)>);
    let on_down = move |ev: leptos::ev::PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        if let Some((x, y)) = point_on(canvas, &ev) {
            ev.prevent_default();
            if let Some(el) = canvas.get_untracked() {
                let _ = el.set_pointer_capture(ev.pointer_id());
            }
            drawing.set(Some((x, y, x, y)));
        }
    };
    let on_move = move |ev: leptos::ev::PointerEvent| {
        if let (Some((x0, y0, _, _)), Some((x, y))) =
            (drawing.get_untracked(), point_on(canvas, &ev))
        {
            drawing.set(Some((x0, y0, x, y)));
        }
    };
    let on_up = move |ev: leptos::ev::PointerEvent| {
        let Some((x0, y0, _, _)) = drawing.get_untracked() else {
            return;
        };
        drawing.set(None);
        let (x1, y1) = point_on(canvas, &ev).unwrap_or((x0, y0));
        let (x, y) = (thousandths(x0.min(x1)), thousandths(y0.min(y1)));
        let (w, h) = (
            thousandths(x0.max(x1)).saturating_sub(x),
            thousandths(y0.max(y1)).saturating_sub(y),
        );
        if w < MIN_SIDE || h < MIN_SIDE {
            // A click, not a drag.
            return;
        }
        let row = match rows.read_untracked().iter().find(|r| r.is_free()).copied() {
            Some(row) => row,
            None if rows.read_untracked().len() < MAX_REGIONS => {
                let key = next_key.get_value();
                next_key.set_value(key + 1);
                let row = RegionRow::new(key, RegionForm::default());
                rows.update(|rows| rows.push(row));
                row
            }
            None => return,
        };
        row.x.set(thousandths_to_percent(x));
        row.y.set(thousandths_to_percent(y));
        row.w.set(thousandths_to_percent(w));
        row.h.set(thousandths_to_percent(h));
    };
    let on_cancel = move |_: leptos::ev::PointerEvent| drawing.set(None);

    // The boxes of the rows that make a valid region, numbered as the rows are.
    let boxes = move || {
        rows.get()
            .into_iter()
            .enumerate()
            .filter_map(|(i, row)| {
                let region = request_from_form(&[row.form()]).ok()?.regions.pop()?;
                let inside = region.x + region.w <= FULL && region.y + region.h <= FULL;
                let class = format!(
                    "redact-box {}{}",
                    region.mode.as_str(),
                    if inside { "" } else { " outside" }
                );
                let style = percent_style(region.x, region.y, region.w, region.h);
                Some(
                    view! { <div class=class style=style><span>{(i + 1).to_string()}</span></div> },
                )
            })
            .collect_view()
    };
    let drawn = move || {
        drawing.get().map(|(x0, y0, x1, y1)| {
            let (x, y) = (thousandths(x0.min(x1)), thousandths(y0.min(y1)));
            let style = percent_style(
                x,
                y,
                thousandths(x0.max(x1)) - x,
                thousandths(y0.max(y1)) - y,
            );
            view! { <div class="redact-box drawing" style=style></div> }
        })
    };

    let field = move |row: RegionRow, i: usize, name: &'static str, label: &'static str| {
        let signal = match name {
            "x" => row.x,
            "y" => row.y,
            "w" => row.w,
            _ => row.h,
        };
        let initial = signal.get_untracked();
        view! {
            <td>
                <input
                    type="text"
                    inputmode="decimal"
                    maxlength="6"
                    name=format!("regions[{i}][{name}]")
                    aria-label=format!("{} {}: {label}", lang.pick("Vùng", "Region"), i + 1)
                    value=initial
                    prop:value=move || signal.get()
                    on:input=move |ev| signal.set(event_target_value(&ev))
                />
            </td>
        }
    };
    let title = format!("{} {number}", lang.pick("Che ảnh", "Redact photo"));
    let base_note = if committee {
        lang.pick(
            "Ảnh dưới đây là ảnh gốc. Các vùng đã lưu sẽ được che khi người khác xem; chỉ ủy ban kiểm tra xem được ảnh gốc.",
            "Below is the original. The saved regions are hidden from everyone else; only the committee may open the original.",
        )
    } else {
        lang.pick(
            "Sau khi lưu, mọi người (trừ ủy ban kiểm tra) chỉ xem được ảnh đã che.",
            "Once saved, everyone but the inspection committee sees only the redacted photo.",
        )
    };
    view! {
        <details class="redact">
            <summary>{title.clone()}</summary>
            <p class="hint">{base_note}</p>
            <p class="hint">{lang.pick(
                "Mỗi vùng là một hình chữ nhật tính theo phần trăm của ảnh: cách mép trái, cách mép trên, rộng, cao (lưới chia mỗi ô 10%). Có thể kéo chuột hoặc ngón tay trên ảnh để vẽ vùng. Để trống hoặc đánh dấu «Bỏ» để bỏ một vùng.",
                "Each region is a rectangle in percent of the photo: from the left edge, from the top edge, width, height (the grid is in tenths). You can also drag across the photo to draw one. Leave a row blank or tick “Drop” to remove a region.",
            )}</p>
            <div
                class="redact-canvas"
                node_ref=canvas
                on:pointerdown=on_down
                on:pointermove=on_move
                on:pointerup=on_up
                on:pointercancel=on_cancel
            >
                <img src=image alt=title.clone() draggable="false" loading="lazy" />
                <div class="redact-grid" aria-hidden="true"></div>
                {boxes}
                {drawn}
            </div>
            <FormOutcome error saved />
            <ActionForm action=action attr:class="redact-form">
                <input type="hidden" name="id" value=case_id.clone() />
                <input type="hidden" name="photo_id" value=photo_id.clone() />
                <div class="table-wrap">
                    <table class="redact-regions">
                        <caption class="sr-only">{format!("{} {number}", lang.pick("Các vùng che của ảnh", "Regions to hide in photo"))}</caption>
                        <thead><tr>
                            <th scope="col">{lang.pick("Vùng", "Region")}</th>
                            <th scope="col">{lang.pick("Cách trái (%)", "Left (%)")}</th>
                            <th scope="col">{lang.pick("Cách trên (%)", "Top (%)")}</th>
                            <th scope="col">{lang.pick("Rộng (%)", "Width (%)")}</th>
                            <th scope="col">{lang.pick("Cao (%)", "Height (%)")}</th>
                            <th scope="col">{lang.pick("Cách che", "How")}</th>
                            <th scope="col">{lang.pick("Bỏ", "Drop")}</th>
                        </tr></thead>
                        <tbody>
                            <For
                                each=move || rows.get().into_iter().enumerate()
                                key=|(_, row)| row.key
                                children=move |(i, row)| {
                                    let mode_now = row.mode.get_untracked();
                                    let options = RedactionMode::ALL
                                        .iter()
                                        .map(|m| view! { <option value=m.as_str() selected=mode_now == m.as_str()>{m.label(lang)}</option> })
                                        .collect_view();
                                    let region_label = format!("{} {}", lang.pick("Vùng", "Region"), i + 1);
                                    view! {
                                        <tr>
                                            <th scope="row">{(i + 1).to_string()}</th>
                                            {field(row, i, "x", lang.pick("cách trái (%)", "left (%)"))}
                                            {field(row, i, "y", lang.pick("cách trên (%)", "top (%)"))}
                                            {field(row, i, "w", lang.pick("rộng (%)", "width (%)"))}
                                            {field(row, i, "h", lang.pick("cao (%)", "height (%)"))}
                                            <td>
                                                <select
                                                    name=format!("regions[{i}][mode]")
                                                    aria-label=format!("{region_label}: {}", lang.pick("cách che", "how to hide"))
                                                    prop:value=move || row.mode.get()
                                                    on:change=move |ev| row.mode.set(event_target_value(&ev))
                                                >
                                                    {options}
                                                </select>
                                            </td>
                                            <td>
                                                <input
                                                    type="checkbox"
                                                    name=format!("regions[{i}][drop]")
                                                    value="1"
                                                    aria-label=format!("{region_label}: {}", lang.pick("bỏ vùng này", "drop this region"))
                                                    checked=row.drop.get_untracked()
                                                    prop:checked=move || row.drop.get()
                                                    on:change=move |ev| row.drop.set(event_target_checked(&ev))
                                                />
                                            </td>
                                        </tr>
                                    }
                                }
                            />
                        </tbody>
                    </table>
                </div>
                <button type="submit" class="button primary">{lang.pick("Lưu vùng che", "Save the regions")}</button>
            </ActionForm>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photo_addresses_carry_the_version_and_the_original_flag() {
        let r = PhotoRedaction {
            photo_id: "p".into(),
            regions: Vec::new(),
            redacted_at: 42,
            by_name: None,
        };
        assert_eq!(
            photo_url("c", "p", None, true, false),
            "/api/v1/cases/c/photos/p?thumb=true"
        );
        assert_eq!(
            photo_url("c", "p", Some(&r), true, false),
            "/api/v1/cases/c/photos/p?thumb=true&v=42"
        );
        assert_eq!(
            photo_url("c", "p", Some(&r), false, true),
            "/api/v1/cases/c/photos/p?original=true"
        );
    }
}
