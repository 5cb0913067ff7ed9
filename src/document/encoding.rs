//! Encoding detection and decoding: BOMs, UTF-8, UTF-16 without BOM, then chardetng.

use std::io::Read;

use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE};

/// How many leading bytes are inspected to tell binary data from text.
pub const SNIFF_BYTES: usize = 64 * 1024;
/// Bytes decoded per step when streaming a big file.
const STREAM_CHUNK_BYTES: usize = 256 * 1024;
/// How many bytes chardetng is fed: plenty for a confident guess, cheap on 10 MB files.
const DETECT_BYTES: usize = 64 * 1024;

/// At most this many places of invalid UTF-8 are listed one by one; the rest are summed up
/// in one last [`DecodeWarning`].
pub const MAX_DECODE_WARNINGS: usize = 10;
/// Text that is UTF-8 but for this many places of invalid bytes per 100 KB (plus
/// [`DAMAGE_BASE_PLACES`]) is opened as UTF-8 with the bad bytes replaced. GBK text, which
/// is mostly invalid UTF-8, has hundreds of such places per 100 KB.
const DAMAGE_PLACES_PER_100_KB: usize = 4;
/// Places of invalid UTF-8 allowed in any file, however short.
const DAMAGE_BASE_PLACES: usize = 4;
/// Damaged UTF-8 must also have this many valid multi-byte characters per bad place: the
/// few high bytes of a GBK or Latin-1 file rarely form valid UTF-8.
const MULTIBYTE_CHARS_PER_DAMAGE: usize = 8;

/// Text decoded from bytes, with the name of the encoding that was used.
#[derive(Debug)]
pub struct Decoded {
    /// The decoded text (line ends not yet normalised).
    pub text: String,
    /// Display name of the encoding: `UTF-8`, `UTF-8 (BOM)`, `UTF-16LE`, `GB18030`, `Big5`, …
    pub encoding: &'static str,
    /// Where bytes were replaced with U+FFFD while decoding (empty for clean text).
    pub warnings: Vec<DecodeWarning>,
}

/// A place where the file was not valid in its encoding (UTF-8) and bytes were replaced
/// with U+FFFD `�`, so the rest could be opened.
///
/// Its `Display` is one sentence for a message line or a banner: "the file is not valid
/// UTF-8 at byte 123456 (line 789); 1 byte was replaced with �".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeWarning {
    /// Offset in the file of the first replaced byte (a BOM counts).
    pub byte_offset: u64,
    /// Line of that byte, from 1. Line breaks are counted as the document counts them
    /// (`\n`, `\r\n`, a lone `\r`), so `line - 1` indexes [`crate::document::Document::lines`].
    pub line: usize,
    /// How many bytes were replaced here (in all of `places`).
    pub count: usize,
    /// How many separate places this covers: 1, or more for the last warning of a list cut
    /// at [`MAX_DECODE_WARNINGS`], which stands for every place from `byte_offset` on.
    pub places: usize,
}

impl std::fmt::Display for DecodeWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Self {
            byte_offset,
            line,
            count,
            places,
        } = *self;
        let replaced = if count == 1 {
            "1 byte was".to_owned()
        } else {
            format!("{count} bytes were")
        };
        if places <= 1 {
            write!(
                f,
                "the file is not valid UTF-8 at byte {byte_offset} (line {line}); {replaced} replaced with \u{FFFD}"
            )
        } else {
            write!(
                f,
                "the file is not valid UTF-8 in {places} more places from byte {byte_offset} (line {line}) on; {replaced} replaced with \u{FFFD}"
            )
        }
    }
}

/// Why bytes could not be decoded as text.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// The bytes look like binary data (an image, an archive, a program …).
    #[error(
        "this file holds binary data, not text or a document Pizhu reads; open a .txt, .docx, .doc, .wps, .pdf, .ofd, .html or .epub document instead"
    )]
    Binary,
    /// The file could not be read.
    #[error("cannot read the file ({0}); check that it is readable")]
    Io(#[from] std::io::Error),
    /// Decoding produced mostly replacement characters.
    #[error(
        "this file is not text in any encoding Pizhu knows (UTF-8, UTF-16, GB18030/GBK, Big5); convert it to UTF-8 and try again"
    )]
    Undecodable,
}

/// Detect the encoding of `bytes` and decode them.
pub fn decode_text(bytes: Vec<u8>) -> Result<Decoded, DecodeError> {
    if let Some((enc, bom_len)) = Encoding::for_bom(&bytes) {
        let name = match enc.name() {
            "UTF-8" => "UTF-8 (BOM)",
            "UTF-16LE" => "UTF-16LE",
            _ => "UTF-16BE",
        };
        let body = &bytes[bom_len..];
        if enc == encoding_rs::UTF_8 {
            // The BOM says UTF-8: decode it as such however damaged, and say where.
            let scan = scan_utf8(body, true, usize::MAX).unwrap_or_default();
            return Ok(decode_damaged_utf8(body, &scan, bom_len as u64, name));
        }
        return Ok(Decoded {
            text: enc.decode_without_bom_handling(body).0.into_owned(),
            encoding: name,
            warnings: Vec::new(),
        });
    }
    if let Some(enc) = sniff_utf16_without_bom(&bytes) {
        let text = enc.decode_without_bom_handling(&bytes).0.into_owned();
        return Ok(Decoded {
            text,
            encoding: enc.name(),
            warnings: Vec::new(),
        });
    }
    if looks_binary(&bytes) {
        return Err(DecodeError::Binary);
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => {
            return Ok(Decoded {
                text,
                encoding: "UTF-8",
                warnings: Vec::new(),
            });
        }
        Err(e) => e.into_bytes(),
    };
    // UTF-8 but for a few bad bytes (a cut-off download, one corrupt sector): open it with
    // the bytes replaced rather than refuse 600 KB of good text, and say where.
    if let Some(scan) = mostly_utf8(&bytes, true) {
        return Ok(decode_damaged_utf8(&bytes, &scan, 0, "UTF-8"));
    }
    let legacy = detect_legacy(&bytes, true)?;
    let mut stream = LegacyStream::new(legacy, bytes.len());
    stream.feed(&bytes, true);
    stream.finish()
}

/// Like [`decode_text`], for a file read in pieces: `head` holds its first bytes (at least
/// [`SNIFF_BYTES`] unless the file is shorter), `rest` yields the remainder, `total_len`
/// is the file size. Text in a legacy encoding (GB18030, Big5, …) is decoded as it is
/// read, so the raw bytes and the text are never both held in memory; a big one on two
/// threads, with half of its bytes held while the first half is decoded.
pub fn decode_stream(
    mut head: Vec<u8>,
    mut rest: impl Read,
    total_len: u64,
) -> Result<Decoded, DecodeError> {
    let whole_in_head = (head.len() as u64) >= total_len;
    let legacy_candidate = !whole_in_head
        && Encoding::for_bom(&head).is_none()
        && sniff_utf16_without_bom(&head).is_none()
        && !looks_binary(&head)
        && std::str::from_utf8(&head).is_err_and(|e| e.error_len().is_some())
        && mostly_utf8(&head, false).is_none();
    if !legacy_candidate {
        rest.read_to_end(&mut head)?;
        return decode_text(head);
    }
    let total = usize::try_from(total_len).unwrap_or(usize::MAX);
    if total_len >= PARALLEL_DECODE_BYTES {
        return decode_big(head, rest, total);
    }
    let legacy = detect_legacy(&head, false)?;
    decode_as_read(legacy, head, rest, total)
}

/// Decode `start` (the first bytes of a file of about `total` bytes) and what `rest`
/// yields, as it is read.
fn decode_as_read(
    legacy: (&'static Encoding, &'static str),
    start: Vec<u8>,
    mut rest: impl Read,
    total: usize,
) -> Result<Decoded, DecodeError> {
    let mut stream = LegacyStream::new(legacy, total);
    stream.feed(&start, false);
    drop(start);
    let mut buf = vec![0u8; STREAM_CHUNK_BYTES];
    loop {
        let n = read_some(&mut rest, &mut buf)?;
        if n == 0 {
            break;
        }
        stream.feed(&buf[..n], false);
    }
    stream.feed(&[], true);
    stream.finish()
}

/// [`decode_stream`] of a big file in a legacy encoding: its first half is read while the
/// encoding is detected from `head`, then decoded in halves when the encoding allows.
fn decode_big(head: Vec<u8>, mut rest: impl Read, total: usize) -> Result<Decoded, DecodeError> {
    let mid = total / 2;
    let (legacy, first) = std::thread::scope(|scope| {
        let detect = scope.spawn(|| detect_legacy(&head, false));
        let mut first = Vec::with_capacity(mid.max(head.len()) + STREAM_CHUNK_BYTES);
        first.extend_from_slice(&head);
        let read = match mid.checked_sub(first.len()) {
            Some(more) if more > 0 => (&mut rest)
                .take(more as u64)
                .read_to_end(&mut first)
                .map(|_| ()),
            _ => Ok(()),
        };
        (detect.join(), read.map(|()| first))
    });
    drop(head);
    // Detection decides first, as when nothing more was read before it.
    let legacy = legacy.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    let first = first?;
    if !splits_at_line_feeds(legacy.0) {
        return decode_as_read(legacy, first, rest, total);
    }
    decode_in_halves(legacy, first, rest, total)
}

/// Legacy-encoded files from this size (bytes) are decoded in two halves on two threads;
/// smaller ones (most documents) are decoded as they are read, on one.
const PARALLEL_DECODE_BYTES: u64 = 512 * 1024;

/// Whether text in `enc` can be cut after any line feed and each piece decoded on its own
/// with the same result as the whole: byte 0x0A is never inside a character, and a
/// decoder that meets it after an unfinished sequence reports the error and emits the line
/// feed itself, so the next byte is decoded from a clean state.
fn splits_at_line_feeds(enc: &'static Encoding) -> bool {
    enc == GB18030 || enc == encoding_rs::BIG5
}

/// Decode a big file in `legacy` (which [`splits_at_line_feeds`]) of about `total` bytes,
/// `first` its first half and `rest` the others, on two threads: the first half (read on to
/// the end of its last line) is decoded on a second thread while the rest is read and
/// decoded here, as it comes. At most half the file's bytes are held beside
/// its text.
fn decode_in_halves(
    legacy: (&'static Encoding, &'static str),
    mut first: Vec<u8>,
    mut rest: impl Read,
    total: usize,
) -> Result<Decoded, DecodeError> {
    let mid = total / 2;
    // On to the end of the line at the middle: the second half starts after a line feed.
    let mut buf = vec![0u8; STREAM_CHUNK_BYTES];
    let mut after_cut = None;
    while after_cut.is_none() {
        let n = read_some(&mut rest, &mut buf)?;
        if n == 0 {
            break;
        }
        let line_feed = memchr::memchr(b'\n', &buf[..n]);
        let line_end = line_feed.map_or(n, |i| i + 1);
        first.extend_from_slice(&buf[..line_end]);
        if line_feed.is_some() {
            after_cut = Some(line_end..n);
        }
    }
    let Some(after_cut) = after_cut else {
        // No line feed after the middle: the file ends in its first half's last line.
        let mut stream = LegacyStream::new(legacy, first.len());
        stream.feed(&first, true);
        drop(first);
        return stream.finish();
    };
    let (head_half, tail) = std::thread::scope(|scope| {
        let head_half = scope.spawn(move || {
            let mut stream = LegacyStream::new(legacy, first.len());
            stream.feed(&first, true);
            stream
        });
        let mut tail = LegacyStream::new(legacy, total.saturating_sub(mid));
        tail.feed(&buf[after_cut], false);
        let read = loop {
            match read_some(&mut rest, &mut buf) {
                Ok(0) => break Ok(()),
                Ok(n) => tail.feed(&buf[..n], false),
                Err(e) => break Err(e),
            }
        };
        tail.feed(&[], true);
        (head_half.join(), read.map(|()| tail.text))
    });
    let mut whole = head_half.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    let tail = tail?;
    whole.text.reserve_exact(tail.len());
    whole.text.push_str(&tail);
    drop(tail);
    whole.finish()
}

/// Read some bytes into `buf` (0 at the end), trying again when interrupted.
fn read_some(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match reader.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            other => return other,
        }
    }
}

/// The legacy encoding chardetng picks for `bytes`, with the name to report.
/// `whole` says whether `bytes` is the entire file: a multi-byte character cut at the end
/// of a sample is not an error.
fn detect_legacy(
    bytes: &[u8],
    whole: bool,
) -> Result<(&'static Encoding, &'static str), DecodeError> {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    let sample = &bytes[..bytes.len().min(DETECT_BYTES)];
    detector.feed(sample, whole && sample.len() == bytes.len());
    let guess = detector.guess(None, chardetng::Utf8Detection::Allow);
    let multi_byte = matches!(
        guess.name(),
        "GBK" | "gb18030" | "Big5" | "Shift_JIS" | "EUC-JP" | "EUC-KR"
    );
    if !multi_byte {
        let high = sample.iter().filter(|&&b| b >= 0x80).count();
        let ascii_text = sample
            .iter()
            .filter(|&&b| (0x20..0x7F).contains(&b))
            .count();
        // A few Chinese characters are too little for chardetng, which then guesses a
        // single-byte encoding; mostly-high bytes that are valid GB18030 are Chinese here.
        let valid_gb = GB18030
            .decode_without_bom_handling_and_without_replacement(sample)
            .is_some();
        if high * 2 >= sample.len() && valid_gb {
            return Ok((GB18030, "GB18030"));
        }
        // Text in any single-byte encoding has spaces, digits or punctuation; noise has none.
        if ascii_text * 20 < sample.len() {
            return Err(DecodeError::Undecodable);
        }
    }
    // GBK files are GB18030 files: decode (and name) the whole family as its superset.
    Ok(if guess.name() == "GBK" || guess == GB18030 {
        (GB18030, "GB18030")
    } else {
        (guess, guess.name())
    })
}

/// Incremental decoding into one pre-sized `String`.
struct LegacyStream {
    decoder: encoding_rs::Decoder,
    text: String,
    name: &'static str,
}

impl LegacyStream {
    fn new((enc, name): (&'static Encoding, &'static str), len_bytes: usize) -> Self {
        // CJK legacy encodings take 2 bytes where UTF-8 takes 3: size the text once.
        let capacity = len_bytes.saturating_add(len_bytes / 2).saturating_add(16);
        Self {
            decoder: enc.new_decoder_without_bom_handling(),
            text: String::with_capacity(capacity),
            name,
        }
    }

    fn feed(&mut self, mut input: &[u8], last: bool) {
        loop {
            // The text was sized for the whole file up front; grow it only if that was short,
            // and then just enough, so a big file's text is never held twice.
            if self.text.capacity() - self.text.len() < 64 {
                self.text.reserve_exact(input.len() + input.len() / 2 + 64);
            }
            let (result, read, _) = self.decoder.decode_to_string(input, &mut self.text, last);
            input = &input[read..];
            if result == encoding_rs::CoderResult::InputEmpty {
                break;
            }
        }
    }

    fn finish(self) -> Result<Decoded, DecodeError> {
        if replacement_ratio(&self.text) > 0.05 {
            return Err(DecodeError::Undecodable);
        }
        Ok(Decoded {
            text: self.text,
            encoding: self.name,
            warnings: Vec::new(),
        })
    }
}

/// The places of invalid UTF-8 in some bytes, and how much valid multi-byte text is there.
#[derive(Debug, Default)]
struct Utf8Scan {
    /// `(start, len)` of each place; invalid sequences with nothing valid between them are
    /// one place.
    places: Vec<(usize, usize)>,
    /// Valid characters of two or more bytes.
    multibyte: usize,
}

/// Scan `bytes` for invalid UTF-8, giving up (`None`) past `max_places` places. A
/// character cut off at the end is a bad place only when `whole` (the end is the file's).
fn scan_utf8(bytes: &[u8], whole: bool, max_places: usize) -> Option<Utf8Scan> {
    fn multibyte(valid: &[u8]) -> usize {
        valid.iter().filter(|&&b| b >= 0xC0).count()
    }
    let mut scan = Utf8Scan::default();
    let mut pos = 0;
    while pos < bytes.len() {
        let e = match std::str::from_utf8(&bytes[pos..]) {
            Ok(_) => {
                scan.multibyte += multibyte(&bytes[pos..]);
                break;
            }
            Err(e) => e,
        };
        let start = pos + e.valid_up_to();
        scan.multibyte += multibyte(&bytes[pos..start]);
        let len = match e.error_len() {
            Some(len) => len,
            None if whole => bytes.len() - start,
            None => break,
        };
        let count = scan.places.len();
        match scan.places.last_mut() {
            Some((s, l)) if *s + *l == start => *l += len,
            _ if count >= max_places => return None,
            _ => scan.places.push((start, len)),
        }
        pos = start + len;
    }
    Some(scan)
}

/// The scan of `bytes` if they are UTF-8 with only a few bad places (see
/// [`DAMAGE_PLACES_PER_100_KB`]) among plenty of valid multi-byte text.
fn mostly_utf8(bytes: &[u8], whole: bool) -> Option<Utf8Scan> {
    let allowed = DAMAGE_BASE_PLACES + bytes.len() / 100_000 * DAMAGE_PLACES_PER_100_KB;
    let scan = scan_utf8(bytes, whole, allowed)?;
    (scan.multibyte >= scan.places.len() * MULTIBYTE_CHARS_PER_DAMAGE).then_some(scan)
}

/// Decode `bytes` as UTF-8, replacing the bad places `scan` found, with one warning per
/// place (at most [`MAX_DECODE_WARNINGS`]). `base` is the offset of `bytes` in the file.
fn decode_damaged_utf8(
    bytes: &[u8],
    scan: &Utf8Scan,
    base: u64,
    encoding: &'static str,
) -> Decoded {
    let mut warnings = Vec::new();
    let mut line = 1usize;
    let mut counted_to = 0usize;
    for (i, &(start, len)) in scan.places.iter().enumerate() {
        line += line_breaks(bytes, counted_to, start);
        counted_to = start;
        let mut warning = DecodeWarning {
            byte_offset: base + start as u64,
            line,
            count: len,
            places: 1,
        };
        if i + 1 == MAX_DECODE_WARNINGS && scan.places.len() > MAX_DECODE_WARNINGS {
            let rest = &scan.places[i..];
            warning.count = rest.iter().map(|&(_, l)| l).sum();
            warning.places = rest.len();
            warnings.push(warning);
            break;
        }
        warnings.push(warning);
    }
    Decoded {
        text: String::from_utf8_lossy(bytes).into_owned(),
        encoding,
        warnings,
    }
}

/// Line breaks in `bytes[from..to]` as the document counts them: `\n`, `\r\n` and a lone `\r`.
fn line_breaks(bytes: &[u8], from: usize, to: usize) -> usize {
    memchr::memchr2_iter(b'\n', b'\r', &bytes[from..to])
        .filter(|&i| bytes[from + i] == b'\n' || bytes.get(from + i + 1) != Some(&b'\n'))
        .count()
}

/// Control bytes other than tab, line ends and form feed mark binary data.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    if head.is_empty() {
        return false;
    }
    if head.contains(&0) {
        return true;
    }
    let controls = head
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1A)) || b == 0x7F)
        .count();
    controls * 100 > head.len()
}

/// Recognise UTF-16 text without a BOM.
///
/// ASCII-heavy text has NUL bytes in every other position: one parity mostly NUL and the
/// other never is. Chinese text has few NULs (and `一` U+4E00 puts one on the other parity
/// too), so the head is also decoded both ways: text is almost all CJK, ASCII and
/// punctuation in its own byte order and not in the other, with valid surrogate pairs.
fn sniff_utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES) & !1];
    if head.len() < 8 {
        return None;
    }
    let pairs = head.len() / 2;
    let even_nul = head.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nul = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    if odd_nul * 10 > pairs * 3 && even_nul == 0 {
        return Some(UTF_16LE);
    }
    if even_nul * 10 > pairs * 3 && odd_nul == 0 {
        return Some(UTF_16BE);
    }
    // Valid UTF-8 (maybe cut at the end of the window) is UTF-8.
    if std::str::from_utf8(head).map_or_else(|e| e.error_len().is_none(), |_| true) {
        return None;
    }
    let le = Utf16Score::of(head, u16::from_le_bytes);
    let be = Utf16Score::of(head, u16::from_be_bytes);
    if le.is_text_beside(&be) {
        Some(UTF_16LE)
    } else if be.is_text_beside(&le) {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// How much of some bytes, read as UTF-16 in one byte order, looks like Chinese text.
#[derive(Debug)]
struct Utf16Score {
    /// Code units read.
    units: usize,
    /// Units that are CJK, ASCII, Latin-1, punctuation or symbols, or half of a valid
    /// surrogate pair.
    good: usize,
    /// Control characters, unpaired surrogates, private-use characters, non-characters.
    bad: usize,
}

impl Utf16Score {
    fn of(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Self {
        let units: Vec<u16> = bytes.chunks_exact(2).map(|p| unit([p[0], p[1]])).collect();
        let mut score = Self {
            units: units.len(),
            good: 0,
            bad: 0,
        };
        let mut i = 0;
        while i < units.len() {
            let u = units[i];
            match u {
                0xD800..=0xDBFF => match units.get(i + 1) {
                    Some(0xDC00..=0xDFFF) => {
                        score.good += 2;
                        i += 1;
                    }
                    // A pair cut at the end of the window.
                    None => {}
                    Some(_) => score.bad += 1,
                },
                0x09 | 0x0A | 0x0C | 0x0D
                | 0x20..=0x7E
                | 0xA0..=0xFF
                // General punctuation, letterlike symbols, arrows, maths, enclosed
                // alphanumerics (①), box drawing, shapes, symbols, dingbats.
                | 0x2000..=0x206F
                | 0x2100..=0x27BF
                // CJK radicals, punctuation, kana, bopomofo, enclosed CJK, ideographs.
                | 0x2E80..=0x9FFF
                | 0xF900..=0xFAFF
                | 0xFE10..=0xFE1F
                | 0xFE30..=0xFE4F
                | 0xFF00..=0xFFEF => score.good += 1,
                0x00..=0x1F | 0x7F..=0x9F | 0xDC00..=0xDFFF | 0xE000..=0xF8FF | 0xFFFE | 0xFFFF => {
                    score.bad += 1;
                }
                _ => {}
            }
            i += 1;
        }
        score
    }

    /// Whether this reading is text and the `other` byte order's is not.
    fn is_text_beside(&self, other: &Self) -> bool {
        let n = self.units.max(1);
        // Short samples: no bad unit at all. Longer: at most 1 %.
        let few_bad = if n < 64 {
            self.bad == 0
        } else {
            self.bad * 100 <= n
        };
        few_bad && self.good * 100 >= n * 85 && self.good.saturating_sub(other.good) * 100 >= n * 30
    }
}

fn replacement_ratio(text: &str) -> f64 {
    let mut total = 0usize;
    let mut bad = 0usize;
    for c in text.chars().take(200_000) {
        total += 1;
        if c == '\u{FFFD}' {
            bad += 1;
        }
    }
    if total == 0 {
        0.0
    } else {
        bad as f64 / total as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "在全县工作会议上的讲话\n同志们：\n一、坚持把政治建设摆在首位\n（一）加强理论武装。要持续深化学习，推动工作落实。";

    #[test]
    fn utf8_plain_and_bom() {
        let d = decode_text(SAMPLE.as_bytes().to_vec()).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (SAMPLE, "UTF-8"));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(SAMPLE.as_bytes());
        let d = decode_text(bom).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (SAMPLE, "UTF-8 (BOM)"));
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let le: Vec<u8> = SAMPLE
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let be: Vec<u8> = SAMPLE
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        let with_bom = |bom: [u8; 2], body: &[u8]| [&bom[..], body].concat();
        let d = decode_text(with_bom([0xFF, 0xFE], &le)).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (SAMPLE, "UTF-16LE"));
        let d = decode_text(with_bom([0xFE, 0xFF], &be)).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (SAMPLE, "UTF-16BE"));
        let ascii = "Speech notes\nline two\n";
        let le: Vec<u8> = ascii.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let d = decode_text(le).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (ascii, "UTF-16LE"));
    }

    #[test]
    fn gbk_gb18030_and_big5_without_bom() {
        let (gbk, _, _) = GB18030.encode(SAMPLE);
        let d = decode_text(gbk.into_owned()).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (SAMPLE, "GB18030"));

        // U+9FB6 and U+20000 need GB18030's four-byte sequences.
        let rare = format!("{SAMPLE}龶𠀀");
        let (gb, _, _) = GB18030.encode(&rare);
        let d = decode_text(gb.into_owned()).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (rare.as_str(), "GB18030"));

        let trad = "在全縣工作會議上的講話\n同志們：\n一、堅持把政治建設擺在首位，加強理論武裝，推動學習貫徹走深走實。";
        let (big5, _, _) = encoding_rs::BIG5.encode(trad);
        let d = decode_text(big5.into_owned()).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (trad, "Big5"));
    }

    #[test]
    fn streaming_matches_whole_buffer_decoding() {
        let long = SAMPLE.repeat(2000) + "龶𠀀";
        for enc in [GB18030, encoding_rs::BIG5] {
            let (bytes, _, _) = enc.encode(&long);
            let bytes = bytes.into_owned();
            let whole = decode_text(bytes.clone()).unwrap();
            let head = bytes[..SNIFF_BYTES].to_vec();
            let rest = std::io::Cursor::new(bytes[SNIFF_BYTES..].to_vec());
            let streamed = decode_stream(head, rest, bytes.len() as u64).unwrap();
            assert_eq!(streamed.text, whole.text);
            assert_eq!(streamed.encoding, whole.encoding);
        }
        let utf8 = long.into_bytes();
        let head = utf8[..SNIFF_BYTES].to_vec();
        let rest = std::io::Cursor::new(utf8[SNIFF_BYTES..].to_vec());
        let streamed = decode_stream(head, rest, utf8.len() as u64).unwrap();
        assert_eq!(
            (streamed.text.len(), streamed.encoding),
            (utf8.len(), "UTF-8")
        );
    }

    #[test]
    fn halves_decoded_on_two_threads_are_the_whole_decoded_at_once() {
        let long = SAMPLE.repeat(8000) + "\n龶𠀀";
        for enc in [GB18030, encoding_rs::BIG5] {
            let (clean, _, _) = enc.encode(&long);
            let clean = clean.into_owned();
            assert!(
                clean.len() as u64 >= PARALLEL_DECODE_BYTES,
                "{}",
                clean.len()
            );
            // Where the halves are cut: after the first line feed from the middle.
            let mid = clean.len() / 2;
            let lf = mid + clean[mid..].iter().position(|&b| b == b'\n').unwrap();
            // Damage just before that line feed (a lead byte, two and three bytes of a
            // four-byte sequence, a byte that is never valid) and just after it.
            let damages: [(&[u8], usize); 7] = [
                (b"", lf),
                (b"\x81", lf),
                (b"\x81\x30", lf),
                (b"\x81\x30\x81", lf),
                (b"\xFF", lf),
                (b"\x30\x81", lf + 1),
                (b"\xFE", lf + 1),
            ];
            for (bad, at) in damages {
                let mut bytes = clean.clone();
                bytes.splice(at..at, bad.iter().copied());
                let mut whole = LegacyStream::new((enc, enc.name()), bytes.len());
                whole.feed(&bytes, true);
                let head = bytes[..SNIFF_BYTES].to_vec();
                let rest = std::io::Cursor::new(bytes[SNIFF_BYTES..].to_vec());
                let halves = decode_stream(head, rest, bytes.len() as u64).unwrap();
                assert_eq!(halves.text, whole.text, "{} {bad:?}", enc.name());
                assert!(halves.warnings.is_empty());
            }
            // No line feed to cut at: decoded whole.
            let one_line: Vec<u8> = clean.iter().copied().filter(|&b| b != b'\n').collect();
            let head = one_line[..SNIFF_BYTES].to_vec();
            let rest = std::io::Cursor::new(one_line[SNIFF_BYTES..].to_vec());
            let d = decode_stream(head, rest, one_line.len() as u64).unwrap();
            let mut whole = LegacyStream::new((enc, enc.name()), one_line.len());
            whole.feed(&one_line, true);
            assert_eq!(d.text, whole.text);
        }
    }

    #[test]
    fn tiny_gbk_and_noise() {
        let (two, _, _) = GB18030.encode("讲话");
        let d = decode_text(two.into_owned()).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("讲话", "GB18030"));
        let noise: Vec<u8> = (0..20_000u32)
            .map(|i| 0x80 | (i.wrapping_mul(2_654_435_761) >> 11) as u8)
            .collect();
        assert!(matches!(decode_text(noise), Err(DecodeError::Undecodable)));
        let latin = b"na\xefve r\xe9sum\xe9 caf\xe9".to_vec();
        assert_eq!(decode_text(latin).unwrap().text, "naïve résumé café");
    }

    #[test]
    fn binary_is_refused() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        assert!(matches!(decode_text(png), Err(DecodeError::Binary)));
        let controls: Vec<u8> = (0..4096u32).map(|i| (i % 31 + 1) as u8).collect();
        assert!(matches!(decode_text(controls), Err(DecodeError::Binary)));
    }

    fn utf16(text: &str, le: bool) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| if le { u.to_le_bytes() } else { u.to_be_bytes() })
            .collect()
    }

    #[test]
    fn regression_chinese_utf16_without_bom_called_binary_data() {
        // `一` (U+4E00) puts a NUL on the "wrong" parity; ASCII line ends put NULs on the other.
        for text in [SAMPLE, "同志们：一、讲话。", SAMPLE.repeat(3000).as_str()] {
            for (le, name) in [(true, "UTF-16LE"), (false, "UTF-16BE")] {
                let d = decode_text(utf16(text, le)).unwrap();
                assert_eq!((d.text.as_str(), d.encoding), (text, name));
                assert!(d.warnings.is_empty());
            }
        }
        // A character outside the BMP is a valid surrogate pair.
        let rare = format!("{SAMPLE}𠀀𠀁");
        assert_eq!(decode_text(utf16(&rare, false)).unwrap().text, rare);
    }

    #[test]
    fn text_in_other_encodings_is_not_taken_for_utf16() {
        let latin = b"na\xefve r\xe9sum\xe9 caf\xe9 \xe0 la carte, d\xe9j\xe0 vu".to_vec();
        assert_ne!(decode_text(latin).unwrap().encoding, "UTF-16LE");
        let trad = "在全縣工作會議上的講話\n同志們：\n一、堅持把政治建設擺在首位，加強理論武裝。\n";
        for (enc, text) in [(GB18030, SAMPLE), (encoding_rs::BIG5, trad)] {
            for long in [text.to_owned(), text.repeat(50)] {
                let (bytes, _, unmappable) = enc.encode(&long);
                assert!(!unmappable);
                let d = decode_text(bytes.into_owned()).unwrap();
                assert_eq!(d.text, long, "{}", enc.name());
            }
        }
    }

    /// `SAMPLE` repeated to about 600 KB with lines numbered, and one bad byte at `at`.
    fn damaged(at: usize) -> (Vec<u8>, usize) {
        let mut bytes = Vec::new();
        let mut line = 1;
        let mut bad_line = 0;
        while bytes.len() < 600_000 {
            if bad_line == 0 && bytes.len() >= at {
                bytes.push(0xFF);
                bad_line = line;
            }
            bytes.extend_from_slice(SAMPLE.as_bytes());
            bytes.push(b'\n');
            line += 4;
        }
        (bytes, bad_line)
    }

    #[test]
    fn regression_one_bad_byte_in_600_kb_of_utf8_called_not_text() {
        for at in [1000, 300_000] {
            let (bytes, line) = damaged(at);
            let offset = bytes.iter().position(|&b| b == 0xFF).unwrap();
            let expected = vec![DecodeWarning {
                byte_offset: offset as u64,
                line,
                count: 1,
                places: 1,
            }];
            let d = decode_text(bytes.clone()).unwrap();
            assert_eq!(d.encoding, "UTF-8");
            assert_eq!(d.warnings, expected);
            assert_eq!(d.text.matches('\u{FFFD}').count(), 1);
            assert_eq!(
                d.text.lines().nth(line - 1).unwrap().chars().next(),
                Some('\u{FFFD}')
            );
            // Read in pieces, the bad byte in the first piece or a later one.
            let head = bytes[..SNIFF_BYTES].to_vec();
            let rest = std::io::Cursor::new(bytes[SNIFF_BYTES..].to_vec());
            let streamed = decode_stream(head, rest, bytes.len() as u64).unwrap();
            assert_eq!((streamed.text, streamed.warnings), (d.text, expected));
        }
        assert_eq!(
            DecodeWarning {
                byte_offset: 123_456,
                line: 789,
                count: 1,
                places: 1
            }
            .to_string(),
            "the file is not valid UTF-8 at byte 123456 (line 789); 1 byte was replaced with \u{FFFD}"
        );
    }

    #[test]
    fn damaged_utf8_is_told_apart_from_gbk() {
        // A cut-off last character, and a short note with one bad byte.
        let mut cut = SAMPLE.as_bytes().to_vec();
        cut.extend_from_slice(&"讲".as_bytes()[..2]);
        let d = decode_text(cut).unwrap();
        assert_eq!((d.encoding, d.warnings.len()), ("UTF-8", 1));
        assert_eq!(d.warnings[0].count, 2);
        // Lines are counted as the document counts them: CRLF once, a lone CR too.
        let note = [
            "同志们：\r\n一、坚持学习。\r二、".as_bytes(),
            b"\xC0",
            "加强落实，推动工作。".as_bytes(),
        ]
        .concat();
        let d = decode_text(note).unwrap();
        assert_eq!(d.warnings[0].line, 3);
        assert_eq!(
            d.text,
            "同志们：\r\n一、坚持学习。\r二、\u{FFFD}加强落实，推动工作。"
        );
        // GBK is mostly invalid UTF-8: it stays GBK however long or short.
        for text in [SAMPLE.to_owned(), SAMPLE.repeat(500), "讲话".into()] {
            let (gbk, _, _) = GB18030.encode(&text);
            let d = decode_text(gbk.into_owned()).unwrap();
            assert_eq!((d.text.as_str(), d.encoding), (text.as_str(), "GB18030"));
            assert!(d.warnings.is_empty());
        }
    }

    #[test]
    fn many_bad_places_are_listed_up_to_a_limit() {
        // The BOM says UTF-8, so even a badly damaged file opens; the list stays short.
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        for _ in 0..50 {
            bytes.extend_from_slice(SAMPLE.as_bytes());
            bytes.extend_from_slice(b"\xFF\xFE\n");
        }
        let d = decode_text(bytes).unwrap();
        assert_eq!(d.encoding, "UTF-8 (BOM)");
        assert_eq!(d.warnings.len(), MAX_DECODE_WARNINGS);
        assert_eq!(d.warnings[0].byte_offset, 3 + SAMPLE.len() as u64);
        assert_eq!(d.warnings[0].count, 2);
        let last = d.warnings.last().unwrap();
        assert_eq!((last.places, last.count), (41, 82));
        assert_eq!(last.line, 4 * 9 + 4);
        assert!(last.to_string().contains("in 41 more places"), "{last}");
        // Without a BOM, that much damage is not "UTF-8 with a few bad bytes".
        let mut bytes = Vec::new();
        for _ in 0..50 {
            bytes.extend_from_slice(SAMPLE.as_bytes());
            bytes.extend_from_slice(b"\xFF\n");
        }
        assert!(mostly_utf8(&bytes, true).is_none());
    }

    #[test]
    fn empty_is_empty_text() {
        let d = decode_text(Vec::new()).unwrap();
        assert_eq!(d.text, "");
    }
}
