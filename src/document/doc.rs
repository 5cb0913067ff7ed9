//! Word 97–2003 binary `.doc` files (and Kingsoft WPS `.wps` files, which are the same
//! format): the main text through the piece table, paragraph styles as heading hints.
//!
//! The file is an OLE compound file ([MS-CFB], read with the `cfb` crate). Its
//! `WordDocument` stream starts with the FIB, which says which table stream (`0Table` or
//! `1Table`) holds the piece table (CLX → PlcPcd) and the paragraph properties
//! (PlcBtePapx → PAPX FKPs → style index) and styles (STSH). The main document is the first
//! `ccpText` character positions; footnotes, headers, comments and text boxes follow it and
//! are left out. Field codes are dropped and field results kept; table cells are joined
//! with tabs, one paragraph per row.
//!
//! Every read is bounds-checked: a damaged file gets [`DocError::Damaged`], never a panic.

use std::io::{Cursor, Read};

use super::docx::name_hint;
use super::{DocxParagraph, LineHint, OpenError};

/// More pieces than this in the piece table means the file is damaged.
pub const MAX_PIECES: usize = 10_000_000;

/// More characters than this in the main text: refused (as a `.docx` is).
const MAX_TEXT_UNITS: usize = 64_000_000;

/// Deepest field nesting tracked; deeper fields still balance but are not told apart.
const MAX_FIELD_DEPTH: usize = 64;

/// Why a Word 97–2003 file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DocError {
    /// `fEncrypted` (or `fObfuscated`) is set in the FIB.
    #[error(
        "this Word 97–2003 (.doc) file is protected with a password, so Pizhu cannot read it; open it in Word or WPS, remove the password and save it again"
    )]
    Encrypted,
    /// `fComplex`: saved with Word's old "fast save", which stores edits out of order.
    #[error(
        "this .doc file was fast-saved by an old version of Word, which Pizhu cannot read; open it in Word or WPS and save it again (File → Save As, Word document)"
    )]
    FastSaved,
    /// A Word 6 or Word 95 file (an older FIB).
    #[error(
        "this is a Word 6 or Word 95 file, older than the Word 97–2003 format Pizhu reads; open it in Word or WPS and save it as .docx"
    )]
    TooOld,
    /// A Microsoft Works word-processor `.wps` (not Kingsoft WPS).
    #[error(
        "this is a Microsoft Works document, not a Kingsoft WPS document, and Pizhu cannot read it; open it in LibreOffice or Works and save it as .docx"
    )]
    Works,
    /// The structures do not hold together.
    #[error(
        "the Word 97–2003 (.doc) file is damaged ({0}); open it in Word or WPS to repair it, or get the original file again"
    )]
    Damaged(String),
    /// The main text is longer than Pizhu reads.
    #[error(
        "the .doc file holds too much text to open (more than {} million characters); split it into smaller documents in Word", MAX_TEXT_UNITS / 1_000_000
    )]
    TooMuchText,
}

fn damaged(what: &str) -> DocError {
    DocError::Damaged(what.to_owned())
}

/// Read an OLE compound file (its magic already checked): a Word 97–2003 document, or the
/// error that says what it is instead (an encrypted `.docx`, Works, Excel …).
pub(super) fn read_compound(bytes: Vec<u8>, ext: &str) -> Result<Vec<DocxParagraph>, OpenError> {
    let file_len = bytes.len() as u64;
    let Ok(mut cfb) = cfb::CompoundFile::open(Cursor::new(bytes)) else {
        return Err(damaged("its compound-file structure is unreadable, maybe cut short").into());
    };
    if cfb.is_stream("/EncryptionInfo") && cfb.is_stream("/EncryptedPackage") {
        return Err(OpenError::PasswordProtected);
    }
    if !cfb.is_stream("/WordDocument") {
        let works = cfb.is_stream("/MatOST") || (ext == "wps" && cfb.is_stream("/CONTENTS"));
        return Err(if works {
            DocError::Works.into()
        } else {
            OpenError::NotWordCompound
        });
    }
    let word = read_stream(&mut cfb, "/WordDocument", file_len)?;
    let fib = Fib::parse(&word)?;
    let table = read_stream(&mut cfb, fib.table_stream, file_len)?;
    Ok(Reader {
        word: &word,
        table: &table,
        fib: &fib,
    }
    .paragraphs()?)
}

/// A whole stream, after checking that its declared size fits in the file.
fn read_stream(
    cfb: &mut cfb::CompoundFile<Cursor<Vec<u8>>>,
    path: &str,
    file_len: u64,
) -> Result<Vec<u8>, DocError> {
    let name = path.trim_start_matches('/');
    let len = cfb
        .entry(path)
        .map_err(|_| DocError::Damaged(format!("its {name} stream is missing")))?
        .len();
    if len > file_len {
        return Err(DocError::Damaged(format!(
            "its {name} stream claims more bytes than the file has"
        )));
    }
    let mut out = Vec::with_capacity(len as usize);
    cfb.open_stream(path)
        .and_then(|s| s.take(len).read_to_end(&mut out))
        .map_err(|_| DocError::Damaged(format!("its {name} stream is cut short")))?;
    Ok(out)
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

/// A `fc`/`lcb` pair of the FIB as a range of the table stream.
fn slice_of(b: &[u8], fc: u32, lcb: u32) -> Option<&[u8]> {
    let start = fc as usize;
    b.get(start..start.checked_add(lcb as usize)?)
}

/// The parts of the File Information Block this reader needs.
#[derive(Debug)]
struct Fib {
    table_stream: &'static str,
    ccp_text: u32,
    /// `(fc, lcb)` of the CLX, the STSH and the PlcBtePapx in the table stream.
    clx: (u32, u32),
    stsh: (u32, u32),
    bte_papx: (u32, u32),
}

/// Index of each `fc`/`lcb` pair in FibRgFcLcb97.
const FC_STSHF: usize = 1;
const FC_PLCF_BTE_PAPX: usize = 13;
const FC_CLX: usize = 33;

impl Fib {
    fn parse(word: &[u8]) -> Result<Self, DocError> {
        let short = || damaged("its header is cut short");
        let ident = u16_at(word, 0).ok_or_else(short)?;
        if ident != 0xA5EC {
            return Err(damaged(
                "its WordDocument stream does not start like a Word document",
            ));
        }
        let nfib = u16_at(word, 2).ok_or_else(short)?;
        let flags = u16_at(word, 10).ok_or_else(short)?;
        // fEncrypted (bit 8) or fObfuscated (bit 15).
        if flags & 0x0100 != 0 || flags & 0x8000 != 0 {
            return Err(DocError::Encrypted);
        }
        if nfib < 0x00C0 {
            return Err(DocError::TooOld);
        }
        // fComplex (bit 2): fast-saved.
        if flags & 0x0004 != 0 {
            return Err(DocError::FastSaved);
        }
        let table_stream = if flags & 0x0200 != 0 {
            "/1Table"
        } else {
            "/0Table"
        };
        let csw = u16_at(word, 32).ok_or_else(short)? as usize;
        let rglw = 34 + csw * 2;
        let cslw = u16_at(word, rglw).ok_or_else(short)? as usize;
        let lw = rglw + 2;
        if cslw < 4 {
            return Err(short());
        }
        let ccp_text = u32_at(word, lw + 12).ok_or_else(short)?;
        let rgfclcb = lw + cslw * 4;
        let cb = u16_at(word, rgfclcb).ok_or_else(short)? as usize;
        if cb <= FC_CLX {
            return Err(damaged("its header has no piece table"));
        }
        let blob = rgfclcb + 2;
        let pair = |i: usize| -> Result<(u32, u32), DocError> {
            Ok((
                u32_at(word, blob + i * 8).ok_or_else(short)?,
                u32_at(word, blob + i * 8 + 4).ok_or_else(short)?,
            ))
        };
        Ok(Self {
            table_stream,
            ccp_text,
            clx: pair(FC_CLX)?,
            stsh: pair(FC_STSHF)?,
            bte_papx: pair(FC_PLCF_BTE_PAPX)?,
        })
    }
}

/// One entry of the piece table: CPs `cp..cp_end` stored at `fc`.
#[derive(Clone, Copy, Debug)]
struct Piece {
    cp: u32,
    cp_end: u32,
    /// Byte offset in the WordDocument stream of the piece's first char.
    fc: usize,
    /// 8-bit cp1252 chars (else UTF-16LE).
    compressed: bool,
}

/// The piece table (PlcPcd) inside the CLX.
fn piece_table(clx: &[u8]) -> Result<Vec<Piece>, DocError> {
    let mut i = 0usize;
    let plc = loop {
        match clx.get(i) {
            // Prc: a property modifier list, skipped.
            Some(0x01) => {
                let cb =
                    u16_at(clx, i + 1).ok_or_else(|| damaged("its piece table is cut short"))?;
                i += 3 + cb as usize;
            }
            Some(0x02) => {
                let lcb =
                    u32_at(clx, i + 1).ok_or_else(|| damaged("its piece table is cut short"))?;
                break slice_of(clx, (i + 5) as u32, lcb)
                    .ok_or_else(|| damaged("its piece table is cut short"))?;
            }
            _ => return Err(damaged("its piece table is unreadable")),
        }
    };
    if plc.len() < 4 || !(plc.len() - 4).is_multiple_of(12) {
        return Err(damaged("its piece table has a wrong size"));
    }
    let n = (plc.len() - 4) / 12;
    if n > MAX_PIECES {
        return Err(damaged("its piece table has more than ten million pieces"));
    }
    let mut pieces = Vec::with_capacity(n);
    let pcds = 4 * (n + 1);
    for k in 0..n {
        let bad = || damaged("its piece table is cut short");
        let cp = u32_at(plc, 4 * k).ok_or_else(bad)?;
        let cp_end = u32_at(plc, 4 * (k + 1)).ok_or_else(bad)?;
        let raw = u32_at(plc, pcds + 8 * k + 2).ok_or_else(bad)?;
        if cp_end < cp || pieces.last().is_some_and(|p: &Piece| p.cp_end != cp) {
            return Err(damaged("its piece table is out of order"));
        }
        let compressed = raw & 0x4000_0000 != 0;
        let fc = (raw & 0x3FFF_FFFF) as usize;
        pieces.push(Piece {
            cp,
            cp_end,
            fc: if compressed { fc / 2 } else { fc },
            compressed,
        });
    }
    Ok(pieces)
}

/// What a paragraph's properties say: its style and the sprms this reader uses.
#[derive(Clone, Copy, Debug, Default)]
struct ParaProps {
    istd: u16,
    /// sprmPOutLvl: 0–8, or 9 for body text.
    outline: Option<u8>,
    /// sprmPFTtp / sprmPFInnerTtp: this mark ends a table row.
    row_end: bool,
}

/// Paragraph properties by file offset: `(fc_start, fc_end, props)` runs, sorted.
struct Papx {
    runs: Vec<(u32, u32, ParaProps)>,
}

impl Papx {
    /// Read the PlcBtePapx and its FKP pages; anything damaged just yields fewer runs.
    fn read(word: &[u8], plc: &[u8]) -> Self {
        let mut runs = Vec::new();
        if plc.len() >= 4 && (plc.len() - 4).is_multiple_of(8) {
            let n = (plc.len() - 4) / 8;
            // Every FKP is a 512-byte page of the WordDocument stream.
            if n <= word.len() / 512 + 1 {
                for k in 0..n {
                    let Some(pn) = u32_at(plc, 4 * (n + 1) + 4 * k) else {
                        break;
                    };
                    let start = (pn & 0x3F_FFFF) as usize * 512;
                    if let Some(page) = word.get(start..start + 512) {
                        read_fkp(page, &mut runs);
                    }
                }
            }
        }
        runs.sort_by_key(|r| r.0);
        Self { runs }
    }

    fn at(&self, fc: u32) -> Option<ParaProps> {
        let i = self.runs.partition_point(|r| r.0 <= fc);
        let run = self.runs.get(i.checked_sub(1)?)?;
        (fc < run.1).then_some(run.2)
    }
}

/// The runs of one PapxFkp page.
fn read_fkp(page: &[u8], runs: &mut Vec<(u32, u32, ParaProps)>) {
    let crun = page[511] as usize;
    for i in 0..crun {
        let (Some(start), Some(end)) = (u32_at(page, 4 * i), u32_at(page, 4 * (i + 1))) else {
            return;
        };
        let bx = 4 * (crun + 1) + 13 * i;
        let Some(&offset) = page.get(bx) else { return };
        let mut props = ParaProps::default();
        let at = offset as usize * 2;
        if at != 0 {
            let grp = match page.get(at) {
                Some(&0) => page
                    .get(at + 1)
                    .and_then(|&cb| page.get(at + 2..at + 2 + 2 * cb as usize)),
                Some(&cb) => page.get(at + 1..at + 2 * cb as usize),
                None => None,
            };
            if let Some(grp) = grp {
                props = para_props(grp);
            }
        }
        runs.push((start, end, props));
    }
}

/// A GrpPrlAndIstd: the style index, then sprms.
fn para_props(grp: &[u8]) -> ParaProps {
    let mut props = ParaProps {
        istd: u16_at(grp, 0).unwrap_or(0),
        ..ParaProps::default()
    };
    let mut i = 2;
    while let Some(sprm) = u16_at(grp, i) {
        i += 2;
        let operand = i;
        let size = match sprm >> 13 {
            0 | 1 => 1,
            2 | 4 | 5 => 2,
            3 => 4,
            7 => 3,
            _ => match sprm {
                // sprmTDefTable: a two-byte size, plus one.
                0xD608 => match u16_at(grp, i) {
                    Some(cb) => 1 + cb as usize,
                    None => return props,
                },
                _ => match grp.get(i) {
                    Some(&cb) => 1 + cb as usize,
                    None => return props,
                },
            },
        };
        let byte = grp.get(operand).copied().unwrap_or(0);
        match sprm {
            0x2640 => props.outline = Some(byte),
            0x2417 | 0x244C => props.row_end |= byte != 0,
            _ => {}
        }
        i += size;
    }
    props
}

/// Longest `istdBase` chain followed (also stops cycles).
const MAX_STYLE_CHAIN: usize = 32;

/// Heading hints of the styles in the STSH, indexed by `istd`: a style's own (built-in id
/// or name), else the one of the style it is based on (`istdBase`).
fn style_hints(stsh: &[u8]) -> Vec<LineHint> {
    let own = own_style_hints(stsh);
    (0..own.len())
        .map(|istd| {
            let mut at = istd;
            for _ in 0..MAX_STYLE_CHAIN {
                let (hint, base) = own[at];
                if hint != LineHint::None {
                    return hint;
                }
                match base {
                    Some(b) if b < own.len() => at = b,
                    _ => break,
                }
            }
            LineHint::None
        })
        .collect()
}

/// Each style's own hint and the style it is based on.
fn own_style_hints(stsh: &[u8]) -> Vec<(LineHint, Option<usize>)> {
    let mut hints = Vec::new();
    let Some(cb_stshi) = u16_at(stsh, 0).map(usize::from) else {
        return hints;
    };
    let (Some(cstd), Some(cb_base)) = (u16_at(stsh, 2), u16_at(stsh, 4)) else {
        return hints;
    };
    let mut pos = 2 + cb_stshi;
    for _ in 0..cstd.min(0x0FFF) {
        let Some(cb) = u16_at(stsh, pos).map(usize::from) else {
            break;
        };
        pos += 2;
        let Some(std) = stsh.get(pos..pos + cb) else {
            break;
        };
        pos += cb;
        hints.push(if std.is_empty() {
            (LineHint::None, None)
        } else {
            // StdfBase: sti in the first word, istdBase in the top 12 bits of the second
            // (0x0FFF: based on nothing).
            let base = u16_at(std, 2).map(|w| w >> 4).filter(|&b| b != 0x0FFF);
            (std_hint(std, cb_base as usize), base.map(usize::from))
        });
    }
    hints
}

/// One style's hint: built-in `sti` 1–9 (heading N) or 62 (Title), else its name.
fn std_hint(std: &[u8], cb_base: usize) -> LineHint {
    let sti = u16_at(std, 0).unwrap_or(0x0FFF) & 0x0FFF;
    match sti {
        1..=9 => return LineHint::Heading(sti as u8),
        62 => return LineHint::Title,
        _ => {}
    }
    let Some(cch) = u16_at(std, cb_base).map(usize::from) else {
        return LineHint::None;
    };
    let units: Vec<u16> = (0..cch)
        .map_while(|k| u16_at(std, cb_base + 2 + 2 * k))
        .collect();
    name_hint(&String::from_utf16_lossy(&units))
}

/// The streams and tables of one document, read into paragraphs.
struct Reader<'a> {
    word: &'a [u8],
    table: &'a [u8],
    fib: &'a Fib,
}

impl Reader<'_> {
    fn paragraphs(&self) -> Result<Vec<DocxParagraph>, DocError> {
        let clx = slice_of(self.table, self.fib.clx.0, self.fib.clx.1)
            .ok_or_else(|| damaged("its piece table lies outside the table stream"))?;
        let pieces = piece_table(clx)?;
        let (units, marks) = self.main_text(&pieces)?;
        let papx = slice_of(self.table, self.fib.bte_papx.0, self.fib.bte_papx.1)
            .map(|plc| Papx::read(self.word, plc))
            .unwrap_or(Papx { runs: Vec::new() });
        let styles = slice_of(self.table, self.fib.stsh.0, self.fib.stsh.1)
            .map(style_hints)
            .unwrap_or_default();
        Ok(build_paragraphs(&units, &marks, &papx, &styles))
    }

    /// The UTF-16 units of CPs `0..ccpText`, and the file offset of each paragraph,
    /// cell or row mark (0x0D, 0x07) among them, in order.
    fn main_text(&self, pieces: &[Piece]) -> Result<(Vec<u16>, Vec<u32>), DocError> {
        let ccp = self.fib.ccp_text as usize;
        if ccp > MAX_TEXT_UNITS {
            return Err(DocError::TooMuchText);
        }
        if ccp > self.word.len() {
            return Err(damaged("its text length is larger than the file"));
        }
        let cp1252 = cp1252_table();
        let mut units = Vec::with_capacity(ccp);
        let mut marks = Vec::new();
        for piece in pieces {
            let start = piece.cp as usize;
            if start >= ccp {
                break;
            }
            let n = (piece.cp_end as usize).min(ccp) - start;
            let width = if piece.compressed { 1 } else { 2 };
            let bytes = self
                .word
                .get(piece.fc..piece.fc + n * width)
                .ok_or_else(|| damaged("a piece of its text lies outside the file"))?;
            for k in 0..n {
                let unit = if piece.compressed {
                    cp1252[bytes[k] as usize]
                } else {
                    u16::from_le_bytes([bytes[2 * k], bytes[2 * k + 1]])
                };
                if unit == 0x0D || unit == 0x07 {
                    marks.push((piece.fc + k * width) as u32);
                }
                units.push(unit);
            }
        }
        if units.len() < ccp {
            return Err(damaged("its piece table does not cover the text"));
        }
        Ok((units, marks))
    }
}

/// Unicode of each cp1252 byte (compressed pieces).
fn cp1252_table() -> [u16; 256] {
    let mut table = [0u16; 256];
    for (b, slot) in table.iter_mut().enumerate() {
        let byte = [b as u8];
        let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&byte);
        *slot = text.encode_utf16().next().unwrap_or(0xFFFD);
    }
    table
}

/// Turn the main text into paragraphs: fields, tables and special chars resolved.
fn build_paragraphs(
    units: &[u16],
    marks: &[u32],
    papx: &Papx,
    styles: &[LineHint],
) -> Vec<DocxParagraph> {
    let mut out = Paragraphs::default();
    // Per open field: whether its separator (result part) was reached.
    let mut fields: Vec<bool> = Vec::new();
    let mut deep_fields = 0usize;
    let mut marks = marks.iter();
    let mut prev = '\0';
    for c in char::decode_utf16(units.iter().copied()) {
        let c = c.unwrap_or('\u{FFFD}');
        let mark = if c == '\r' || c == '\u{07}' {
            marks.next().and_then(|&fc| papx.at(fc))
        } else {
            None
        };
        match c {
            '\u{13}' => {
                if fields.len() < MAX_FIELD_DEPTH {
                    fields.push(false);
                } else {
                    deep_fields += 1;
                }
            }
            '\u{14}' => {
                if deep_fields == 0
                    && let Some(top) = fields.last_mut()
                {
                    *top = true;
                }
            }
            '\u{15}' => {
                if deep_fields > 0 {
                    deep_fields -= 1;
                } else {
                    fields.pop();
                }
            }
            // Inside a field's code: dropped.
            _ if fields.iter().any(|in_result| !in_result) => {}
            '\r' => out.end(hint_of(mark, styles)),
            '\u{07}' => {
                // A row ends with its own mark after the last cell's: PAPX says so
                // (fTtp); without properties, two marks in a row do.
                let row_end = match mark {
                    Some(p) => p.row_end,
                    None => prev == '\u{07}',
                };
                if row_end {
                    while out.current.ends_with('\t') {
                        out.current.pop();
                    }
                    out.end(LineHint::None);
                } else {
                    out.current.push('\t');
                }
            }
            '\u{0B}' => out.current.push('\n'),
            '\u{0C}' => {
                if !out.current.is_empty() {
                    out.end(LineHint::None);
                }
            }
            '\u{1E}' => out.current.push('-'),
            '\u{A0}' => out.current.push(' '),
            '\t' => out.current.push('\t'),
            // Objects, pictures, note references, soft hyphens and other controls.
            c if (c as u32) < 0x20 => {}
            c => out.current.push(c),
        }
        prev = c;
    }
    if !out.current.is_empty() {
        out.end(LineHint::None);
    }
    out.done
}

/// A paragraph's hint: its own outline level, else its style's.
fn hint_of(props: Option<ParaProps>, styles: &[LineHint]) -> LineHint {
    let Some(props) = props else {
        return LineHint::None;
    };
    match props.outline {
        Some(level @ 0..=8) => LineHint::Heading(level + 1),
        _ => styles
            .get(props.istd as usize)
            .copied()
            .unwrap_or(LineHint::None),
    }
}

#[derive(Default)]
struct Paragraphs {
    done: Vec<DocxParagraph>,
    current: String,
}

impl Paragraphs {
    fn end(&mut self, hint: LineHint) {
        let text = std::mem::take(&mut self.current);
        let hint = if text.trim().is_empty() {
            LineHint::None
        } else {
            hint
        };
        self.done.push(DocxParagraph { text, hint });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// UTF-16 units of `s`.
    fn units(s: &str) -> Vec<u16> {
        s.encode_utf16().collect()
    }

    fn texts(paras: &[DocxParagraph]) -> Vec<&str> {
        paras.iter().map(|p| p.text.as_str()).collect()
    }

    fn build(s: &str) -> Vec<DocxParagraph> {
        build_paragraphs(&units(s), &[], &Papx { runs: Vec::new() }, &[])
    }

    #[test]
    fn fields_keep_their_result_and_drop_their_code() {
        let paras = build(
            "见\u{13} HYPERLINK \"http://x\" \u{14}链接\u{15}。\r第\u{13}PAGE\u{14}3\u{15}页\r",
        );
        assert_eq!(texts(&paras), ["见链接。", "第3页"]);
        // Nested: a field inside another's code is dropped with it.
        let paras = build("a\u{13}IF \u{13}X\u{14}1\u{15} = 1\u{14}是\u{15}b\r");
        assert_eq!(texts(&paras), ["a是b"]);
        // Unbalanced: no panic, text after an unclosed code is hidden.
        let paras = build("\u{15}\u{14}x\r\u{13}y\r");
        assert_eq!(texts(&paras), ["x"]);
    }

    #[test]
    fn table_cells_become_tabs_and_rows_paragraphs() {
        let paras = build("表\r甲\u{7}乙\u{7}\u{7}丙\u{7}丁\u{7}\u{7}后\r");
        assert_eq!(texts(&paras), ["表", "甲\t乙", "丙\t丁", "后"]);
    }

    #[test]
    fn special_chars() {
        let paras = build("a\u{1E}b\u{1F}c\u{A0}d\u{1}\u{8}e\u{B}f\u{C}g\r");
        assert_eq!(texts(&paras), ["a-bc de\nf", "g"]);
    }

    #[test]
    fn sprms_are_walked_to_outline_level_and_row_end() {
        // istd 2, sprmPJc (1 byte), sprmPDxaLeft (2 bytes), sprmPOutLvl 1, sprmPFTtp 1.
        let grp = [
            2, 0, 0x03, 0x24, 1, 0x0F, 0x84, 0x10, 0x00, 0x40, 0x26, 1, 0x17, 0x24, 1,
        ];
        let p = para_props(&grp);
        assert_eq!((p.istd, p.outline, p.row_end), (2, Some(1), true));
        assert_eq!(hint_of(Some(p), &[]), LineHint::Heading(2));
        // Cut short: what was read is kept.
        let p = para_props(&grp[..5]);
        assert_eq!((p.istd, p.outline), (2, None));
        let styled = ParaProps {
            istd: 1,
            ..ParaProps::default()
        };
        assert_eq!(
            hint_of(Some(styled), &[LineHint::None, LineHint::Title]),
            LineHint::Title
        );
    }

    #[test]
    fn piece_tables_are_checked() {
        // Prc skipped, then one compressed piece of 3 CPs at fc 0x40000000 | 200.
        let mut clx = vec![0x01, 2, 0, 9, 9, 0x02];
        let mut plc = Vec::new();
        plc.extend(0u32.to_le_bytes());
        plc.extend(3u32.to_le_bytes());
        plc.extend([0, 0]);
        plc.extend((0x4000_0000u32 | 200).to_le_bytes());
        plc.extend([0, 0]);
        clx.extend((plc.len() as u32).to_le_bytes());
        clx.extend(&plc);
        let pieces = piece_table(&clx).unwrap();
        assert_eq!(pieces.len(), 1);
        assert!(pieces[0].compressed);
        assert_eq!((pieces[0].fc, pieces[0].cp_end), (100, 3));
        // Cut anywhere: an error, never a panic.
        for len in 0..clx.len() {
            assert!(piece_table(&clx[..len]).is_err(), "{len}");
        }
        // CPs going backwards.
        let mut bad = clx.clone();
        bad[6 + 4 + 4..6 + 4 + 8].copy_from_slice(&0u32.to_le_bytes());
        bad[6 + 4..6 + 8].copy_from_slice(&5u32.to_le_bytes());
        assert!(piece_table(&bad).is_err());
    }

    #[test]
    fn style_names_and_builtin_ids_give_hints() {
        // STSHI of 4 bytes (cstd 3, cbSTDBaseInFile 10), then three STDs.
        let mut stsh = vec![6, 0, 5, 0, 10, 0, 0, 0];
        let std = |sti: u16, name: &str| {
            let mut s = vec![0u8; 10];
            s[..2].copy_from_slice(&sti.to_le_bytes());
            let u = units(name);
            s.extend((u.len() as u16).to_le_bytes());
            for x in u {
                s.extend(x.to_le_bytes());
            }
            s.extend([0, 0]);
            s
        };
        let mut based = std(0x0FFE, "我的标题");
        based[2..4].copy_from_slice(&(1u16 << 4).to_le_bytes());
        let mut cycle = std(0x0FFE, "环");
        cycle[2..4].copy_from_slice(&(4u16 << 4).to_le_bytes());
        for s in [
            std(0, "Normal"),
            std(2, "heading 2"),
            std(0x0FFE, "标题 3"),
            based,
            cycle,
        ] {
            stsh.extend((s.len() as u16).to_le_bytes());
            stsh.extend(s);
        }
        assert_eq!(
            style_hints(&stsh),
            [
                LineHint::None,
                LineHint::Heading(2),
                LineHint::Heading(3),
                LineHint::Heading(2),
                LineHint::None
            ]
        );
        for len in 0..stsh.len() {
            let _ = style_hints(&stsh[..len]);
        }
    }
}
