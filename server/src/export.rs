//! The figures as files: `shared::table::Table`s (and the rows of the ratings export) written as
//! .xlsx workbooks and as CSV.
//!
//! .xlsx with `rust_xlsxwriter`: a pure-Rust writer (no C library, no LibreOffice), kept up by
//! the author of Python's XlsxWriter and libxlsxwriter and checked against files Excel itself
//! saved; it writes real number, percent and date cells with formats, freezes panes, and has a
//! constant-memory mode that streams each row to a temporary file, so a workbook of a million
//! rows costs the server no more memory than one of ten. It was already the server's writer for
//! the reception log.
//!
//! CSV with the `csv` crate (RFC 4180 quoting), UTF-8 with a byte order mark: without it Excel
//! reads the file in the machine's ANSI code page and "Tỷ lệ hài lòng" arrives as mojibake.
//! Numbers are machine-readable (a dot before decimals, no grouping), percentages are fractions
//! as in the workbook (0.875 for 87,5%), dates dd/mm/yyyy, and a value that may not be stated
//! (a rate under the minimum) is an empty field, never 0.

use crate::error::{AppError, AppResult};
use rust_xlsxwriter::{
    ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};
use shared::calendar::Date;
use shared::table::{Cell, Column, Table};
use shared::{ApiError, FieldCode, Lang};

/// The byte order mark that tells Excel a CSV file is UTF-8.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const CSV_TYPE: &str = "text/csv; charset=utf-8";

/// The most rows a worksheet holds (Excel's limit), the header included.
pub const SHEET_ROWS: u32 = 1_048_576;

/// The two file formats of the exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Xlsx,
    Csv,
}

impl FileFormat {
    /// `xlsx` (the default) or `csv`; anything else is refused naming the field.
    pub fn parse(value: Option<&str>) -> AppResult<FileFormat> {
        match value.map(str::trim).unwrap_or("") {
            "" | "xlsx" => Ok(FileFormat::Xlsx),
            "csv" => Ok(FileFormat::Csv),
            _ => Err(AppError(ApiError::field(
                "format",
                FieldCode::InvalidValue,
                "Định dạng tệp không hợp lệ: chọn xlsx hoặc csv.",
                "Unknown file format: choose xlsx or csv.",
            ))),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Xlsx => "xlsx",
            FileFormat::Csv => "csv",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FileFormat::Xlsx => XLSX_TYPE,
            FileFormat::Csv => CSV_TYPE,
        }
    }
}

fn xerr(e: XlsxError) -> AppError {
    AppError::internal(e)
}

/// The cell formats of a workbook: bold headers, then one per kind of column.
pub struct Styles {
    header: Format,
    integer: Format,
    percent: Format,
    decimal: Format,
    date: Format,
    datetime: Format,
    text: Format,
}

impl Styles {
    pub fn new() -> Styles {
        Styles {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color(0xE7EEF7)
                .set_border_bottom(FormatBorder::Thin),
            // Excel shows the grouping of the reader's locale: 1.234 in Vietnamese.
            integer: Format::new().set_num_format("#,##0"),
            percent: Format::new().set_num_format("0.0%"),
            decimal: Format::new().set_num_format("0.0"),
            date: Format::new()
                .set_num_format("dd/mm/yyyy")
                .set_align(FormatAlign::Left),
            datetime: Format::new()
                .set_num_format("dd/mm/yyyy hh:mm")
                .set_align(FormatAlign::Left),
            text: Format::new().set_align(FormatAlign::Top),
        }
    }
}

impl Default for Styles {
    fn default() -> Styles {
        Styles::new()
    }
}

/// Excel's serial date of a civil date: days since 30/12/1899.
fn excel_date(d: Date) -> AppResult<ExcelDateTime> {
    ExcelDateTime::from_serial_datetime((d.to_days() + 25_569) as f64).map_err(xerr)
}

/// Excel's serial date and time of a moment, in Vietnam time (UTC+7): Excel has no time zones,
/// so the cell holds the wall-clock time a reader in Việt Nam saw.
fn excel_vietnam_time(ms: i64) -> AppResult<ExcelDateTime> {
    let local_ms = ms + 7 * 3_600_000;
    ExcelDateTime::from_serial_datetime(local_ms as f64 / 86_400_000.0 + 25_569.0).map_err(xerr)
}

/// Writes one cell with its kind's format. A missing value writes nothing: an empty cell, which
/// a SUM or AVERAGE skips, where a 0 would be counted.
pub fn write_cell(
    sheet: &mut Worksheet,
    styles: &Styles,
    row: u32,
    col: u16,
    cell: &Cell,
) -> AppResult<()> {
    match cell {
        Cell::Text(s) => {
            sheet
                .write_string_with_format(row, col, s, &styles.text)
                .map_err(xerr)?;
        }
        Cell::Integer(n) => {
            sheet
                .write_number_with_format(row, col, *n as f64, &styles.integer)
                .map_err(xerr)?;
        }
        Cell::Percent(f) => {
            sheet
                .write_number_with_format(row, col, *f, &styles.percent)
                .map_err(xerr)?;
        }
        Cell::Decimal(x) => {
            sheet
                .write_number_with_format(row, col, *x, &styles.decimal)
                .map_err(xerr)?;
        }
        Cell::Date(d) => {
            sheet
                .write_datetime_with_format(row, col, excel_date(*d)?, &styles.date)
                .map_err(xerr)?;
        }
        Cell::DateTime(ms) => {
            sheet
                .write_datetime_with_format(row, col, excel_vietnam_time(*ms)?, &styles.datetime)
                .map_err(xerr)?;
        }
        Cell::Missing(_) => {}
    }
    Ok(())
}

/// The header row (row 0), frozen so it stays in view while scrolling, high enough for the
/// longest header wrapped into its column's width.
pub fn write_header(
    sheet: &mut Worksheet,
    styles: &Styles,
    columns: &[Column],
    widths: &[f64],
    lang: Lang,
) -> AppResult<()> {
    let mut lines = 1.0_f64;
    for (i, (column, width)) in columns.iter().zip(widths).enumerate() {
        let col = i as u16;
        let header = column.header.get(lang);
        sheet.set_column_width(col, *width).map_err(xerr)?;
        sheet
            .write_string_with_format(0, col, header, &styles.header)
            .map_err(xerr)?;
        lines = lines.max((header.chars().count() as f64 / (width - 1.0).max(1.0)).ceil());
    }
    sheet
        .set_row_height(0, 15.0 * lines.min(4.0))
        .map_err(xerr)?;
    sheet.set_freeze_panes(1, 0).map_err(xerr)?;
    Ok(())
}

/// A column's width in characters: enough for its widest value and, wrapped on at most three
/// lines, its header; between 8 and 48.
fn column_width(column: &Column, rows: &[Vec<Cell>], index: usize, lang: Lang) -> f64 {
    let widest = rows
        .iter()
        .filter_map(|r| r.get(index))
        .map(|c| match c {
            // A missing value is an empty cell in the file.
            Cell::Missing(_) => 0,
            c => c.display(lang).chars().count(),
        })
        .max()
        .unwrap_or(0);
    let header = column.header.get(lang);
    let longest_word = header.split_whitespace().map(|w| w.chars().count()).max();
    let header_need = (header.chars().count() as f64 / 3.0)
        .max(longest_word.unwrap_or(0) as f64)
        .ceil();
    (widest as f64 + 2.0)
        .max(header_need + 2.0)
        .clamp(8.0, 48.0)
}

/// A worksheet name from a title: at most 31 characters, none of `[]:*?/\`, not starting or
/// ending with an apostrophe, and unique in the workbook (Excel compares them ignoring case).
pub fn sheet_name(title: &str, used: &mut Vec<String>) -> String {
    let clean: String = title
        .chars()
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '-',
            c => c,
        })
        .collect();
    let clean = clean.trim().trim_matches('\'').trim().to_string();
    let base = if clean.is_empty() {
        "Bang".to_string()
    } else {
        clean
    };
    let mut n = 1;
    loop {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!(" ({n})")
        };
        let room = 31 - suffix.chars().count();
        let stem: String = base.chars().take(room).collect();
        let name = format!("{}{suffix}", stem.trim_end());
        if !used.iter().any(|u| u.to_lowercase() == name.to_lowercase()) {
            used.push(name.clone());
            return name;
        }
        n += 1;
    }
}

/// Tables as a workbook in memory, one worksheet per table, named by its title. For the
/// dashboard's and the scorecard's tables: tens or hundreds of rows.
pub fn tables_xlsx(tables: &[Table], lang: Lang) -> AppResult<Vec<u8>> {
    let mut book = Workbook::new();
    let styles = Styles::new();
    let mut used = Vec::new();
    for table in tables {
        let sheet = book.add_worksheet();
        sheet
            .set_name(sheet_name(table.title.get(lang), &mut used))
            .map_err(xerr)?;
        let widths: Vec<f64> = table
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| column_width(c, &table.rows, i, lang))
            .collect();
        write_header(sheet, &styles, &table.columns, &widths, lang)?;
        for (r, row) in table.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                write_cell(sheet, &styles, r as u32 + 1, c as u16, cell)?;
            }
        }
    }
    book.save_to_buffer().map_err(xerr)
}

/// A cell as a CSV field: see the module's comment.
pub fn csv_field(cell: &Cell) -> String {
    match cell {
        Cell::Text(s) => s.clone(),
        Cell::Integer(n) => n.to_string(),
        Cell::Percent(f) | Cell::Decimal(f) => f.to_string(),
        Cell::Date(d) => d.format_vn(),
        Cell::DateTime(ms) => shared::table::vietnam_time(*ms),
        Cell::Missing(_) => String::new(),
    }
}

/// CSV rows (no byte order mark, no header): a chunk of a streamed file.
pub fn csv_rows<'a>(rows: impl IntoIterator<Item = &'a Vec<Cell>>) -> AppResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows {
        w.write_record(row.iter().map(csv_field))
            .map_err(AppError::internal)?;
    }
    w.into_inner().map_err(AppError::internal)
}

/// The start of a CSV file: the byte order mark and the header row.
pub fn csv_header(columns: &[Column], lang: Lang) -> AppResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(BOM.to_vec());
    w.write_record(columns.iter().map(|c| c.header.get(lang)))
        .map_err(AppError::internal)?;
    w.into_inner().map_err(AppError::internal)
}

/// One table as a whole CSV file.
pub fn table_csv(table: &Table, lang: Lang) -> AppResult<Vec<u8>> {
    let mut bytes = csv_header(&table.columns, lang)?;
    bytes.extend(csv_rows(&table.rows)?);
    Ok(bytes)
}

/// A workbook written row by row in constant memory into a temporary file: each row goes to
/// disk as it is written, so a million rows cost what one does. When a worksheet is full
/// (Excel's 1,048,576 rows), the rows go on in a new one with the same header.
pub struct XlsxStream {
    book: Workbook,
    styles: Styles,
    title: String,
    columns: Vec<Column>,
    widths: Vec<f64>,
    lang: Lang,
    sheets: usize,
    /// The next row of the current worksheet; `SHEET_ROWS` when a new worksheet is due.
    row: u32,
    used_names: Vec<String>,
}

impl XlsxStream {
    pub fn new(title: &str, columns: Vec<Column>, widths: Vec<f64>, lang: Lang) -> XlsxStream {
        XlsxStream {
            book: Workbook::new(),
            styles: Styles::new(),
            title: title.to_string(),
            columns,
            widths,
            lang,
            sheets: 0,
            row: SHEET_ROWS,
            used_names: Vec::new(),
        }
    }

    /// Starts a worksheet when there is none yet or the current one is full.
    fn ensure_sheet(&mut self) -> AppResult<()> {
        if self.row < SHEET_ROWS {
            return Ok(());
        }
        self.sheets += 1;
        let title = if self.sheets == 1 {
            self.title.clone()
        } else {
            format!("{} ({})", self.title, self.sheets)
        };
        let name = sheet_name(&title, &mut self.used_names);
        let sheet = self.book.add_worksheet_with_constant_memory();
        sheet.set_name(name).map_err(xerr)?;
        write_header(sheet, &self.styles, &self.columns, &self.widths, self.lang)?;
        self.row = 1;
        Ok(())
    }

    pub fn write_row(&mut self, row: &[Cell]) -> AppResult<()> {
        self.ensure_sheet()?;
        let r = self.row;
        let sheet = self
            .book
            .worksheet_from_index(self.sheets - 1)
            .map_err(xerr)?;
        for (c, cell) in row.iter().enumerate() {
            write_cell(sheet, &self.styles, r, c as u16, cell)?;
        }
        self.row = r + 1;
        Ok(())
    }

    /// Writes the workbook into `file` (a temporary file), zipping the worksheets' rows from
    /// their own temporary files.
    pub fn finish(mut self, file: &mut std::fs::File) -> AppResult<()> {
        if self.sheets == 0 {
            // No row at all: the header alone.
            self.ensure_sheet()?;
        }
        self.book
            .save_to_writer(std::io::BufWriter::new(file))
            .map_err(xerr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::table::ColumnKind;

    #[test]
    fn sheet_names_are_legal_and_unique() {
        let mut used = Vec::new();
        assert_eq!(sheet_name("Tổng hợp", &mut used), "Tổng hợp");
        assert_eq!(sheet_name("tổng hợp", &mut used), "tổng hợp (2)");
        assert_eq!(sheet_name("a/b: c*d?[e]\\", &mut used), "a-b- c-d--e--");
        let long = "Xếp hạng các đơn vị trực thuộc theo tỷ lệ hài lòng";
        let name = sheet_name(long, &mut used);
        assert!(
            name.chars().count() <= 31 && long.starts_with(&name),
            "{name}"
        );
        let again = sheet_name(long, &mut used);
        assert!(
            again.ends_with(" (2)") && again.chars().count() <= 31,
            "{again}"
        );
        assert_eq!(sheet_name("''", &mut used), "Bang");
    }

    #[test]
    fn csv_fields_are_plain_and_missing_is_empty() {
        assert_eq!(csv_field(&Cell::Percent(0.875)), "0.875");
        assert_eq!(csv_field(&Cell::Integer(1234567)), "1234567");
        assert_eq!(
            csv_field(&Cell::Missing(shared::Msg::new(
                "Chưa đủ đánh giá",
                "Not enough"
            ))),
            ""
        );
        assert_eq!(
            csv_field(&Cell::Date(Date::new(2026, 3, 1).unwrap())),
            "01/03/2026"
        );
        let header = csv_header(
            &[Column::new(ColumnKind::Percent, "Tỷ lệ hài lòng", "Rate")],
            Lang::Vi,
        )
        .unwrap();
        assert_eq!(header, "\u{feff}Tỷ lệ hài lòng\n".as_bytes());
    }

    #[test]
    fn dates_are_excel_serials() {
        // 01/01/1970 is Excel's 25569; 01/03/2026 is 46082.
        let d = Date::new(2026, 3, 1).unwrap();
        assert_eq!(d.to_days() + 25_569, 46_082);
    }
}
