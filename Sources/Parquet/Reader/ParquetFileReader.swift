#if canImport(Glibc)
import Glibc
#endif

/// A reader for the files this module writes (flat schemas, data page v1, PLAIN and dictionary
/// encodings, UNCOMPRESSED and GZIP): used by `ac-export inspect` and by round-trip tests.
public final class ParquetFileReader {
    public let metadata: FileMetadata
    public let schema: Schema
    private let bytes: [UInt8]

    public convenience init(path: String) throws(ParquetError) {
        try self.init(bytes: try Self.readFile(path))
    }

    public init(bytes: [UInt8]) throws(ParquetError) {
        self.bytes = bytes
        let magic = Array("PAR1".utf8)
        guard bytes.count >= 12, Array(bytes[0..<4]) == magic, Array(bytes[(bytes.count - 4)...]) == magic else {
            throw .corruptFile("missing PAR1 magic at the start or end (an unfinished or truncated file?)")
        }
        let lengthOffset = bytes.count - 8
        let footerLength = Int(UInt32(bytes[lengthOffset]) | UInt32(bytes[lengthOffset + 1]) << 8
            | UInt32(bytes[lengthOffset + 2]) << 16 | UInt32(bytes[lengthOffset + 3]) << 24)
        guard footerLength > 0, footerLength <= lengthOffset - 4 else { throw .corruptFile("footer length \(footerLength) is out of range") }
        metadata = try FileMetadata.decode(Array(bytes[(lengthOffset - footerLength)..<lengthOffset]))
        schema = Schema(try metadata.schema.dropFirst().map(Self.column(from:)))
    }

    public struct PageInfo: Sendable {
        public var offset: Int64
        public var headerSize: Int
        public var header: PageHeader
    }

    /// The pages of one column chunk, in file order.
    public func pages(rowGroup: Int, column: Int) throws(ParquetError) -> [PageInfo] {
        let chunk = metadata.rowGroups[rowGroup].columns[column]
        var position = Int(chunk.dictionaryPageOffset ?? chunk.dataPageOffset)
        let end = position + Int(chunk.totalCompressedSize)
        guard position >= 4, end <= bytes.count - 8 else { throw .corruptFile("column chunk lies outside the file") }
        var pages: [PageInfo] = []
        while position < end {
            let (header, bodyStart) = try PageHeader.decode(bytes, at: position)
            pages.append(PageInfo(offset: Int64(position), headerSize: bodyStart - position, header: header))
            position = bodyStart + Int(header.compressedPageSize)
        }
        guard position == end else { throw .corruptFile("pages overrun total_compressed_size of column \(column)") }
        return pages
    }

    /// Every value of one column in one row group, nulls included.
    public func readColumn(rowGroup: Int, column: Int) throws(ParquetError) -> [ParquetValue] {
        let chunk = metadata.rowGroups[rowGroup].columns[column]
        let isRequired = schema.columns[column].isRequired
        var dictionary: [ParquetValue] = []
        var values: [ParquetValue] = []
        values.reserveCapacity(Int(chunk.numValues))
        for page in try pages(rowGroup: rowGroup, column: column) {
            let start = Int(page.offset) + page.headerSize
            let stored = bytes[start..<start + Int(page.header.compressedPageSize)]
            let body: [UInt8] = switch chunk.codec {
            case .uncompressed: Array(stored)
            case .gzip: try GzipDecompressor.decompress(stored, expectedSize: Int(page.header.uncompressedPageSize))
            default: throw .unsupported("codec \(chunk.codec)")
            }
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

    private static func readFile(_ path: String) throws(ParquetError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileSink.error(path, "open") }
        defer { close(descriptor) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileSink.error(path, "read")
            }
            if n == 0 { return result }
            result.append(contentsOf: chunk[0..<n])
        }
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
