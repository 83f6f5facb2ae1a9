import { createHash } from "node:crypto";

/** The standard luminance DC table (JPEG Annex K.3): code counts per length 1…16, then the categories 0…11. */
const DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const DC_VALUES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
/** An AC table holding only end-of-block (0x00) as the 1-bit code `0`: every block here is one flat tone. */
const AC_BITS = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const AC_VALUES = [0];

/** Canonical Huffman codes from the counts per length: symbol → [code, length]. */
function huffmanCodes(bits: number[], values: number[]): Map<number, [number, number]> {
  const codes = new Map<number, [number, number]>();
  let code = 0;
  let next = 0;
  bits.forEach((count, index) => {
    for (let n = 0; n < count; n += 1) {
      codes.set(values[next] as number, [code, index + 1]);
      code += 1;
      next += 1;
    }
    code <<= 1;
  });
  return codes;
}

/** Writes bits MSB first, stuffing a 0x00 after every 0xFF byte, padding the last byte with 1s. */
class BitWriter {
  readonly bytes: number[] = [];
  private current = 0;
  private count = 0;

  write(value: number, length: number): void {
    for (let bit = length - 1; bit >= 0; bit -= 1) {
      this.current = (this.current << 1) | ((value >> bit) & 1);
      this.count += 1;
      if (this.count === 8) this.flushByte();
    }
  }

  finish(): number[] {
    if (this.count > 0) this.write((1 << (8 - this.count)) - 1, 8 - this.count);
    return this.bytes;
  }

  private flushByte(): void {
    this.bytes.push(this.current);
    if (this.current === 0xff) this.bytes.push(0x00);
    this.current = 0;
    this.count = 0;
  }
}

const segment = (marker: number, body: number[]) => [
  0xff,
  marker,
  (body.length + 2) >> 8,
  (body.length + 2) & 0xff,
  ...body,
];
const tableBody = (tableClass: number, bits: number[], values: number[]) => [tableClass << 4, ...bits, ...values];

/**
 * A small valid baseline JPEG (grayscale, 16×16: four flat 8×8 tones) whose tones and comment come from `seed`,
 * so each seed gives other bytes. Enough for any decoder and for a check of the first bytes (`FF D8 FF`).
 */
export function tinyJpeg(seed: string): Buffer {
  const digest = createHash("sha256").update(seed).digest();
  const dcCodes = huffmanCodes(DC_BITS, DC_VALUES);
  const eob = huffmanCodes(AC_BITS, AC_VALUES).get(0) as [number, number];
  const writer = new BitWriter();
  let previous = 0;
  for (let block = 0; block < 4; block += 1) {
    // A flat block of level v has the DC coefficient 8·(v − 128); the quantization table is all ones.
    const dc = 8 * ((digest[block] as number) - 128);
    const diff = dc - previous;
    previous = dc;
    const category = diff === 0 ? 0 : Math.floor(Math.log2(Math.abs(diff))) + 1;
    const [code, length] = dcCodes.get(category) as [number, number];
    writer.write(code, length);
    if (category > 0) writer.write(diff > 0 ? diff : diff + (1 << category) - 1, category);
    writer.write(eob[0], eob[1]);
  }
  const comment = [...Buffer.from(`producer simulator image ${digest.subarray(0, 8).toString("hex")}`, "ascii")];
  return Buffer.from([
    0xff,
    0xd8,
    ...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    ...segment(0xfe, comment),
    ...segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]),
    ...segment(0xc0, [8, 0, 16, 0, 16, 1, 1, 0x11, 0]),
    ...segment(0xc4, tableBody(0, DC_BITS, DC_VALUES)),
    ...segment(0xc4, tableBody(1, AC_BITS, AC_VALUES)),
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    ...writer.finish(),
    0xff,
    0xd9,
  ]);
}
