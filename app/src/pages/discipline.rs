//! The list of discipline measures (hình thức kỷ luật) the committee chooses from, lightest
//! first. Every signed-in account reads it; a province or national administrator adds,
//! renames, moves and retires measures (plain form posts, then server actions once hydrated).
//! A retired measure is no longer offered and stays on the findings that chose it.

use crate::components::{clear_when_saved, lang, outcome, FieldMessage, FormOutcome};
use crate::fns::{list_discipline_measures, CreateDisciplineMeasure, UpdateDisciplineMeasure};
use leptos::prelude::*;
use shared::finding::{DisciplineMeasure, MEASURE_NAME_MAX};
use shared::Lang;

/// One measure's row for an editor: its names in a rename form, the move buttons, and retire
/// or offer again.
fn edit_row(
    m: &DisciplineMeasure,
    last: i32,
    update: ServerAction<UpdateDisciplineMeasure>,
    lang: Lang,
) -> impl IntoView {
    let max = MEASURE_NAME_MAX.to_string();
    let (vi_id, en_id) = (format!("name_vi-{}", m.id), format!("name_en-{}", m.id));
    let rename_label = format!(
        "{} {}",
        lang.pick("Lưu tên", "Save the names of"),
        m.name(lang)
    );
    let move_form = |position: i32, label: &'static str, hint: String| {
        let id = m.id.clone();
        view! {
            <ActionForm action=update attr:class="inline">
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="position" value=position.to_string() />
                <button type="submit" class="button small" aria-label=hint>{label}</button>
            </ActionForm>
        }
    };
    let name = m.name(lang).to_string();
    let up = (m.position > 1).then(|| {
        move_form(
            m.position - 1,
            "↑",
            format!(
                "{} {name}",
                lang.pick("Chuyển lên (nhẹ hơn):", "Move up (lighter):")
            ),
        )
    });
    let down = (m.position < last).then(|| {
        move_form(
            m.position + 1,
            "↓",
            format!(
                "{} {name}",
                lang.pick("Chuyển xuống (nặng hơn):", "Move down (heavier):")
            ),
        )
    });
    let (status, toggle_label) = if m.active {
        (
            lang.pick("Đang áp dụng", "Offered"),
            lang.pick("Thôi áp dụng", "Retire"),
        )
    } else {
        (
            lang.pick("Đã thôi áp dụng", "Retired"),
            lang.pick("Áp dụng lại", "Offer again"),
        )
    };
    let (rename_id, toggle_id) = (m.id.clone(), m.id.clone());
    let (vi_label, en_label) = (
        format!(
            "{} — {}",
            lang.pick("Tên tiếng Việt", "Vietnamese name"),
            m.name_vi
        ),
        format!(
            "{} — {}",
            lang.pick("Tên tiếng Anh", "English name"),
            m.name_en
        ),
    );
    let (name_vi, name_en) = (m.name_vi.clone(), m.name_en.clone());
    let (position, retired, next_active) = (m.position, !m.active, (!m.active).to_string());
    view! {
        <tr class:retired=retired>
            <td>{position}</td>
            <td colspan="2">
                <ActionForm action=update attr:class="inline rename">
                    <input type="hidden" name="id" value=rename_id />
                    <label for=vi_id.clone() class="sr-only">{vi_label}</label>
                    <input id=vi_id name="name_vi" required maxlength=max.clone() value=name_vi />
                    <label for=en_id.clone() class="sr-only">{en_label}</label>
                    <input id=en_id name="name_en" required maxlength=max value=name_en />
                    <button type="submit" class="button small" aria-label=rename_label>{lang.pick("Lưu tên", "Save")}</button>
                </ActionForm>
            </td>
            <td>{status}</td>
            <td>
                {up}{down}
                <ActionForm action=update attr:class="inline">
                    <input type="hidden" name="id" value=toggle_id />
                    <input type="hidden" name="active" value=next_active />
                    <button type="submit" class="button small">{toggle_label}</button>
                </ActionForm>
            </td>
        </tr>
    }
}

#[component]
pub fn DisciplineMeasuresPage() -> impl IntoView {
    let lang = lang();
    let create = ServerAction::<CreateDisciplineMeasure>::new();
    let update = ServerAction::<UpdateDisciplineMeasure>::new();
    let list = Resource::new(
        move || (create.version().get(), update.version().get()),
        |_| list_discipline_measures(),
    );
    // A plain post's outcome comes back in the URL once: shown with the "add" form's banner;
    // the other banner follows the server action of the list's forms.
    let (create_error, create_saved) = outcome(create.value());
    let update_error = Signal::derive(move || match update.value().get() {
        Some(Err(e)) => Some(e.0),
        _ => None,
    });
    let update_saved = Signal::derive(move || matches!(update.value().get(), Some(Ok(_))));
    let add_form = NodeRef::new();
    clear_when_saved(create.value(), add_form);
    view! {
        <h1>{lang.pick("Hình thức kỷ luật", "Discipline measures")}</h1>
        <p class="hint">{lang.pick(
            "Các hình thức kỷ luật cán bộ, công chức ủy ban kiểm tra chọn khi ghi kết luận (Luật Cán bộ, công chức, Điều 79; Nghị định 112/2020/NĐ-CP), từ nhẹ đến nặng. Hình thức đã thôi áp dụng không còn để chọn nhưng vẫn hiện trên các kết luận đã ghi.",
            "The forms of discipline the inspection committee chooses from when recording a finding (Law on Cadres and Civil Servants, art. 79; Decree 112/2020), lightest first. A retired measure is no longer offered but still shows on the findings that chose it.",
        )}</p>
        <FormOutcome error=update_error saved=update_saved />
        <Suspense fallback=move || view! { <p class="loading">{lang.pick("Đang tải…", "Loading…")}</p> }>
            {move || Suspend::new(async move {
                let measures = match list.await {
                    Ok(m) => m,
                    Err(e) => return view! { <div class="notice error" role="alert"><p>{e.0.message.get(lang).to_string()}</p></div> }.into_any(),
                };
                let last = measures.items.iter().map(|m| m.position).max().unwrap_or(0);
                let rows = if measures.can_edit {
                    measures.items.iter().map(|m| edit_row(m, last, update, lang).into_any()).collect_view()
                } else {
                    measures.items.iter().map(|m| view! {
                        <tr class:retired=!m.active>
                            <td>{m.position}</td>
                            <td>{m.name_vi.clone()}</td>
                            <td>{m.name_en.clone()}</td>
                            <td>{if m.active { lang.pick("Đang áp dụng", "Offered") } else { lang.pick("Đã thôi áp dụng", "Retired") }}</td>
                        </tr>
                    }.into_any()).collect_view()
                };
                let actions_head = measures.can_edit.then(|| view! { <th scope="col">{lang.pick("Thao tác", "Actions")}</th> });
                let add = measures.can_edit.then(|| view! {
                    <section aria-labelledby="new-measure">
                        <h2 id="new-measure">{lang.pick("Thêm hình thức kỷ luật", "Add a measure")}</h2>
                        <p class="hint">{lang.pick("Hình thức mới được thêm vào cuối danh sách (nặng nhất); dùng nút ↑ để chuyển lên.", "A new measure goes to the end of the list (the heaviest); move it up with ↑.")}</p>
                        <FormOutcome error=create_error saved=create_saved />
                        <ActionForm action=create node_ref=add_form attr:class="grid-form new-measure">
                            <label for="new-name_vi">{lang.pick("Tên tiếng Việt", "Vietnamese name")}</label>
                            <input id="new-name_vi" name="name_vi" required maxlength=MEASURE_NAME_MAX.to_string() />
                            <FieldMessage error=create_error field="name_vi" />
                            <label for="new-name_en">{lang.pick("Tên tiếng Anh", "English name")}</label>
                            <input id="new-name_en" name="name_en" required maxlength=MEASURE_NAME_MAX.to_string() />
                            <FieldMessage error=create_error field="name_en" />
                            <button type="submit" class="button primary">{lang.pick("Thêm", "Add")}</button>
                        </ActionForm>
                    </section>
                });
                let note = (!measures.can_edit).then(|| view! {
                    <p>{lang.pick("Chỉ quản trị viên cấp tỉnh hoặc cấp quốc gia được sửa danh mục này.", "Only a province or national administrator may change this list.")}</p>
                });
                view! {
                    {note}
                    <div class="table-wrap">
                        <table class="discipline-measures">
                            <caption class="sr-only">{lang.pick("Hình thức kỷ luật, từ nhẹ đến nặng", "Discipline measures, lightest first")}</caption>
                            <thead><tr>
                                <th scope="col">{lang.pick("Thứ tự", "Order")}</th>
                                <th scope="col">{lang.pick("Tên tiếng Việt", "Vietnamese name")}</th>
                                <th scope="col">{lang.pick("Tên tiếng Anh", "English name")}</th>
                                <th scope="col">{lang.pick("Trạng thái", "Status")}</th>
                                {actions_head}
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                    {add}
                }.into_any()
            })}
        </Suspense>
    }
}
