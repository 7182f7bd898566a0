#if canImport(Glibc)
import Glibc
#endif

/// A reader for the files this module writes (flat schemas, data page v1; PLAIN, dictionary and DELTA_BYTE_ARRAY
/// encodings; UNCOMPRESSED and GZIP): used by `ac-export inspect`, by resume and by round-trip tests. A file
/// opened by path is read a column chunk at a time, so memory is bounded by the largest chunk read.
public final class ParquetFileReader {
    public let metadata: FileMetadata
    public let schema: Schema
    private let storage: Storage
    private let size: Int

    private enum Storage {
        case memory([UInt8])
        case file(descriptor: Int32, path: String)
    }

    public init(path: String) throws(ParquetError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileSink.error(path, "open") }
        storage = .file(descriptor: descriptor, path: path)
        do throws(ParquetError) {
            let end = lseek(descriptor, 0, SEEK_END)
            guard end >= 0 else { throw FileSink.error(path, "lseek") }
            size = Int(end)
            (metadata, schema) = try Self.footer(size: size) { range throws(ParquetError) in
                try Self.read(descriptor: descriptor, path: path, range)
            }
        } catch {
            close(descriptor)
            throw error
        }
    }

    public init(bytes: [UInt8]) throws(ParquetError) {
        storage = .memory(bytes)
        size = bytes.count
        (metadata, schema) = try Self.footer(size: bytes.count) { range in Array(bytes[range]) }
    }

    deinit {
        if case .file(let descriptor, _) = storage { close(descriptor) }
    }

    /// How many bytes at the end of a file hold its footer, its length and the closing magic: what a reader of a
    /// remote file fetches (with one ranged request) for `footer(tail:)`. Nil when `tail` does not end a Parquet file.
    public static func footerSize(tail: [UInt8]) -> Int? {
        guard tail.count >= 8, Array(tail[(tail.count - 4)...]) == Array("PAR1".utf8) else { return nil }
        let length = tail[(tail.count - 8)..<(tail.count - 4)].reversed().reduce(0) { $0 << 8 | Int($1) }
        return length + 8
    }

    /// The metadata and schema of a file from its last bytes (at least `footerSize(tail:)` of them).
    public static func footer(tail: [UInt8]) throws(ParquetError) -> (metadata: FileMetadata, schema: Schema) {
        guard let size = footerSize(tail: tail), size > 8, size <= tail.count else {
            throw .corruptFile("the end of the file is not a whole Parquet footer (an unfinished or truncated file?)")
        }
        let metadata = try FileMetadata.decode(Array(tail[(tail.count - size)..<(tail.count - 8)]))
        return (metadata, Schema(try metadata.schema.dropFirst().map(Self.column(from:))))
    }

    private static func footer(
        size: Int, read: (Range<Int>) throws(ParquetError) -> [UInt8]
    ) throws(ParquetError) -> (FileMetadata, Schema) {
        let magic = Array("PAR1".utf8)
        guard size >= 12, try read(0..<4) == magic else {
            throw .corruptFile("missing PAR1 magic at the start or end (an unfinished or truncated file?)")
        }
        let tail = try read((size - 8)..<size)
        guard Array(tail[4..<8]) == magic else {
            throw .corruptFile("missing PAR1 magic at the start or end (an unfinished or truncated file?)")
        }
        let footerLength = Int(UInt32(tail[0]) | UInt32(tail[1]) << 8 | UInt32(tail[2]) << 16 | UInt32(tail[3]) << 24)
        let lengthOffset = size - 8
        guard footerLength > 0, footerLength <= lengthOffset - 4 else { throw .corruptFile("footer length \(footerLength) is out of range") }
        let metadata = try FileMetadata.decode(try read((lengthOffset - footerLength)..<lengthOffset))
        return (metadata, Schema(try metadata.schema.dropFirst().map(Self.column(from:))))
    }

    private func read(_ range: Range<Int>) throws(ParquetError) -> [UInt8] {
        switch storage {
        case .memory(let bytes): Array(bytes[range])
        case .file(let descriptor, let path): try Self.read(descriptor: descriptor, path: path, range)
        }
    }

    private static func read(descriptor: Int32, path: String, _ range: Range<Int>) throws(ParquetError) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: range.count)
        var done = 0
        while done < range.count {
            let n = result.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, range.count - done, off_t(range.lowerBound + done)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileSink.error(path, "read")
            }
            guard n > 0 else { throw .corruptFile("\(path) ends at byte \(range.lowerBound + done), inside the range the footer names") }
            done += n
        }
        return result
    }

    public struct PageInfo: Sendable {
        public var offset: Int64
        public var headerSize: Int
        public var header: PageHeader
    }

    /// The pages of one column chunk, in file order.
    public func pages(rowGroup: Int, column: Int) throws(ParquetError) -> [PageInfo] {
        try chunk(rowGroup: rowGroup, column: column).pages
    }

    /// One column chunk's bytes (read once) and its pages, offsets relative to the file.
    private func chunk(rowGroup: Int, column: Int) throws(ParquetError) -> (start: Int, bytes: [UInt8], pages: [PageInfo]) {
        let chunk = metadata.rowGroups[rowGroup].columns[column]
        let start = Int(chunk.dictionaryPageOffset ?? chunk.dataPageOffset)
        let end = start + Int(chunk.totalCompressedSize)
        guard start >= 4, end <= size - 8, start <= end else { throw .corruptFile("column chunk lies outside the file") }
        let bytes = try read(start..<end)
        var position = 0
        var pages: [PageInfo] = []
        while position < bytes.count {
            let (header, bodyStart) = try PageHeader.decode(bytes, at: position)
            pages.append(PageInfo(offset: Int64(start + position), headerSize: bodyStart - position, header: header))
            position = bodyStart + Int(header.compressedPageSize)
        }
        guard position == bytes.count else { throw .corruptFile("pages overrun total_compressed_size of column \(column)") }
        return (start, bytes, pages)
    }

    /// Every value of one column in one row group, nulls included.
    public func readColumn(rowGroup: Int, column: Int) throws(ParquetError) -> [ParquetValue] {
        let chunk = metadata.rowGroups[rowGroup].columns[column]
        let isRequired = schema.columns[column].isRequired
        var dictionary: [ParquetValue] = []
        var values: [ParquetValue] = []
        values.reserveCapacity(Int(chunk.numValues))
        let (chunkStart, bytes, pages) = try self.chunk(rowGroup: rowGroup, column: column)
        for page in pages {
            let start = Int(page.offset) - chunkStart + page.headerSize
            guard start + Int(page.header.compressedPageSize) <= bytes.count else { throw .corruptFile("page overruns its column chunk") }
            let stored = bytes[start..<start + Int(page.header.compressedPageSize)]
            let body = try PageCodecs.decompress(stored, codec: chunk.codec, expectedSize: Int(page.header.uncompressedPageSize))
            guard body.count == Int(page.header.uncompressedPageSize) else {
                throw .corruptFile("page size \(body.count) differs from uncompressed_page_size \(page.header.uncompressedPageSize)")
            }
            switch page.header.type {
            case .dictionaryPage:
                guard let d = page.header.dictionaryPage else { throw .corruptFile("dictionary page without its header") }
                var cursor = 0
                dictionary = try PlainDecoder.decode(body, cursor: &cursor, count: Int(d.numValues), type: chunk.physicalType)
            case .dataPage:
                guard let d = page.header.dataPage else { throw .corruptFile("data page without its header") }
                try decodeDataPage(body, header: d, type: chunk.physicalType, isRequired: isRequired, dictionary: dictionary, into: &values)
            default:
                throw .unsupported("page type \(page.header.type)")
            }
        }
        guard values.count == chunk.numValues else {
            throw .corruptFile("column \(column) decoded \(values.count) values, metadata says \(chunk.numValues)")
        }
        return values
    }

    /// Every value of one column across all row groups.
    public func readColumn(_ column: Int) throws(ParquetError) -> [ParquetValue] {
        var all: [ParquetValue] = []
        for rowGroup in metadata.rowGroups.indices {
            all += try readColumn(rowGroup: rowGroup, column: column)
        }
        return all
    }

    private func decodeDataPage(
        _ body: [UInt8], header: DataPageHeader, type: PhysicalType, isRequired: Bool,
        dictionary: [ParquetValue], into values: inout [ParquetValue]
    ) throws(ParquetError) {
        let count = Int(header.numValues)
        var cursor = 0
        var levels = [UInt32](repeating: 1, count: count)
        if !isRequired {
            guard body.count >= 4 else { throw .corruptFile("data page too short for its definition levels") }
            let length = Int(UInt32(body[0]) | UInt32(body[1]) << 8 | UInt32(body[2]) << 16 | UInt32(body[3]) << 24)
            guard 4 + length <= body.count else { throw .corruptFile("definition levels overrun the page") }
            var decoder = RLEHybridDecoder(body, range: 4..<(4 + length), bitWidth: 1)
            levels = try decoder.decode(count: count)
            cursor = 4 + length
        }
        let present = levels.reduce(0) { $0 + Int($1) }
        let decoded: [ParquetValue]
        switch header.encoding {
        case .plain:
            decoded = try PlainDecoder.decode(body, cursor: &cursor, count: present, type: type)
        case .deltaByteArray where type == .byteArray:
            decoded = try DeltaByteArray.decode(body, cursor: &cursor, count: present).map(ParquetValue.bytes)
        case .rleDictionary, .plainDictionary:
            guard cursor < body.count || present == 0 else { throw .corruptFile("dictionary page body is empty") }
            if present == 0 {
                decoded = []
            } else {
                let bitWidth = Int(body[cursor])
                var decoder = RLEHybridDecoder(body, range: (cursor + 1)..<body.count, bitWidth: bitWidth)
                decoded = try decoder.decode(count: present).map { (index: UInt32) throws(ParquetError) -> ParquetValue in
                    guard Int(index) < dictionary.count else { throw .corruptFile("dictionary index \(index) out of range") }
                    return dictionary[Int(index)]
                }
            }
        default:
            throw .unsupported("encoding \(header.encoding)")
        }
        var next = 0
        for level in levels {
            if level == 1 {
                values.append(decoded[next])
                next += 1
            } else {
                values.append(.null)
            }
        }
    }

    private static func column(from element: SchemaElement) throws(ParquetError) -> Column {
        let type: ColumnType
        switch (element.physicalType, element.logicalType) {
        case (.boolean?, _): type = .boolean
        case (.int32?, .date?): type = .date
        case (.int32?, _): type = element.convertedType == .date ? .date : .int32
        case (.int64?, .timestamp(let utc, _)?): type = .timestampMicros(adjustedToUTC: utc)
        case (.int64?, _): type = .int64
        case (.double?, _): type = .double
        case (.byteArray?, _): type = .string
        default: throw .unsupported("column '\(element.name)' of type \(element.physicalType.map(String.init(describing:)) ?? "none")")
        }
        return Column(element.name, type, required: element.repetition == .required)
    }
}

enum PlainDecoder {
    static func decode(_ body: [UInt8], cursor: inout Int, count: Int, type: PhysicalType) throws(ParquetError) -> [ParquetValue] {
        var values: [ParquetValue] = []
        values.reserveCapacity(count)
        func need(_ n: Int) throws(ParquetError) {
            guard cursor + n <= body.count else { throw .corruptFile("PLAIN values overrun the page") }
        }
        func little(_ width: Int) -> UInt64 {
            var v: UInt64 = 0
            for i in 0..<width { v |= UInt64(body[cursor + i]) << (8 * UInt64(i)) }
            cursor += width
            return v
        }
        switch type {
        case .boolean:
            try need((count + 7) / 8)
            for i in 0..<count { values.append(.boolean(body[cursor + i / 8] >> UInt8(i % 8) & 1 == 1)) }
            cursor += (count + 7) / 8
        case .int32:
            for _ in 0..<count {
                try need(4)
                values.append(.int32(Int32(bitPattern: UInt32(little(4)))))
            }
        case .int64:
            for _ in 0..<count {
                try need(8)
                values.append(.int64(Int64(bitPattern: little(8))))
            }
        case .double:
            for _ in 0..<count {
                try need(8)
                values.append(.double(Double(bitPattern: little(8))))
            }
        case .byteArray:
            for _ in 0..<count {
                try need(4)
                let length = Int(little(4))
                try need(length)
                values.append(.bytes(Array(body[cursor..<cursor + length])))
                cursor += length
            }
        default:
            throw .unsupported("physical type \(type)")
        }
        return values
    }
}
