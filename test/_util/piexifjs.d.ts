// piexifjs ships no types; the tests use only these calls (binary strings in, binary strings out).
declare module 'piexifjs' {
  const piexif: {
    dump(exif: Record<string, unknown>): string
    insert(exif: string, jpeg: string): string
    load(jpeg: string): Record<string, Record<number, unknown>>
    ImageIFD: Record<string, number>
    ExifIFD: Record<string, number>
    GPSIFD: Record<string, number>
  }
  export default piexif
}
