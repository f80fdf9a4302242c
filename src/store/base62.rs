//! Base-62 digits, as Salesforce ids and the per-tenant pod of user stubs write numbers. It lives
//! in the store beside the id source, since both Salesforce and user stubs mint ids with it and
//! stubs must not borrow from a vendor's module.

const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `n` in base 62, left-padded with zeros to `width` digits (wrapping past the width).
pub fn base62(mut n: u64, width: usize) -> String {
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8(out).expect("base-62 digits are ASCII")
}

#[cfg(test)]
mod tests {
    use super::base62;

    #[test]
    fn pads_and_wraps_at_the_width() {
        assert_eq!(base62(0, 3), "000");
        assert_eq!(base62(61, 2), "0z");
        assert_eq!(base62(62, 2), "10");
        assert_eq!(base62(62 * 62, 2), "00");
    }
}
