// One column's writer within the current row group: typed appends go straight into the page's
// encoded buffer (PLAIN bytes or dictionary indices) with no per-value object; full pages are
// encoded here, compressed by the codec (on the compression threads) and kept until the row group is flushed, in memory
// or in the page spill file. Dictionary, fallback and format versions: docs/parquet-layout.md#encodings.

/// Its stored state is touched for every value appended: `@exclusivity(unchecked)` drops the runtime access
/// checks there (a writer is used by one thread at a time, as documented), without an unsafe compiler flag.
public final class ColumnWriter {
    public let column: Column
    private let physicalType: PhysicalType
    private let properties: WriterProperties
    private let codec: PageCodec

    /// Levels of a present value (`column.maxDefinitionLevel`), and whether entries carry repetition levels.
    private let presentLevel: UInt8
    private let isRepeated: Bool

    /// The repetition level of the next entry: 0 starts a row; in a repeated column, a later entry of the same row
    /// gives the depth of the innermost repeated node it continues. Back to 0 after each entry.
    @exclusivity(unchecked) public var nextRepetitionLevel = 0

    // The page being filled.
    @exclusivity(unchecked) private var definitionLevels: [UInt8] = []
    @exclusivity(unchecked) private var repetitionLevels: [UInt8] = []
    @exclusivity(unchecked) private var pageValueCount = 0
    @exclusivity(unchecked) private var pageNullCount = 0
    /// PLAIN-encoded values of the page; for BOOLEAN one byte per value, bit-packed when the page ends.
    @exclusivity(unchecked) private var plainValues: [UInt8] = []
    @exclusivity(unchecked) private var dictionaryIndices: [UInt32] = []

    // The column chunk being built.
    @exclusivity(unchecked) private var usesDictionary: Bool
    @exclusivity(unchecked) private var fixedDictionary: FixedWidthDictionary
    @exclusivity(unchecked) private var byteArrayDictionary = ByteArrayDictionary()
    private let dataPages: CompressedPages
    @exclusivity(unchecked) private var dictionaryDataPageCount: Int32 = 0
    /// The chunk's dictionary page (header + stored body) once emitted, and its sizes.
    @exclusivity(unchecked) private var dictionaryPage: [UInt8] = []
    @exclusivity(unchecked) private var dictionaryPageSizes = (uncompressed: 0, stored: 0)
    /// Pages without the dictionary: PLAIN, or DELTA_BYTE_ARRAY for strings (`WriterProperties.formatVersion` v2).
    private let fallbackEncoding: Encoding
    @exclusivity(unchecked) private var fallbackDataPageCount: Int32 = 0
    /// Uncompressed bytes of the data pages handed to the codec (for row-group sizing).
    @exclusivity(unchecked) private var submittedBodySize = 0
    @exclusivity(unchecked) private var chunkNonNullCount = 0
    /// Entries (values and nulls) of the chunk, and the rows they belong to.
    @exclusivity(unchecked) private(set) var valueCount = 0
    @exclusivity(unchecked) private var repeatedRowCount = 0
    @exclusivity(unchecked) private var statistics = StatisticsAccumulator()

    /// Largest page buffer kept for the next page.
    private static let retainedPageCapacity = 1 << 20

    init(column: Column, properties: WriterProperties, codec: PageCodec) {
        self.column = column
        self.physicalType = column.type.physicalType
        self.properties = properties
        self.codec = codec
        self.presentLevel = UInt8(column.maxDefinitionLevel)
        self.isRepeated = column.maxRepetitionLevel > 0
        self.dataPages = CompressedPages(spill: codec.spill)
        // Parquet: BOOLEAN is never dictionary-encoded.
        self.usesDictionary = properties.dictionaryEnabled && physicalType != .boolean
        self.fixedDictionary = FixedWidthDictionary(byteWidth: physicalType == .int32 ? 4 : 8)
        self.fallbackEncoding = physicalType == .byteArray && properties.formatVersion == .v2 ? .deltaByteArray : .plain
    }

    // MARK: Appends

    public func appendNull() throws(ParquetError) {
        guard !column.isRequired else { throw .nullInRequiredColumn(column: column.name) }
        try appendMissing(definitionLevel: column.maxDefinitionLevel - 1)
    }

    /// An entry without a value in a nested column: an ancestor is null, or a list or map is empty.
    /// `definitionLevel` counts the optional and repeated nodes above it that are present.
    public func appendMissing(definitionLevel: Int) throws(ParquetError) {
        guard definitionLevel >= 0, definitionLevel < column.maxDefinitionLevel else {
            throw .invalidSchema("definition level \(definitionLevel) is outside 0..<\(column.maxDefinitionLevel) for column '\(column.name)'")
        }
        if isRepeated { try beginRepeatedEntry() }
        definitionLevels.append(UInt8(definitionLevel))
        pageNullCount += 1
        statistics.addNull()
        try endValue()
    }

    /// INT64 and TIMESTAMP columns (microseconds since the epoch).
    public func append(_ value: Int64) throws(ParquetError) {
        guard physicalType == .int64 else { throw mismatch("INT64") }
        try beginValue()
        statistics.add(value)
        if usesDictionary {
            dictionaryIndices.append(fixedDictionary.index(ofBits: UInt64(bitPattern: value)))
        } else {
            plainValues.appendLittleEndian(value)
        }
        try endValue()
    }

    /// INT32 and DATE columns (days since the epoch).
    public func append(_ value: Int32) throws(ParquetError) {
        guard physicalType == .int32 else { throw mismatch("INT32") }
        try beginValue()
        statistics.add(Int64(value))
        if usesDictionary {
            dictionaryIndices.append(fixedDictionary.index(ofBits: UInt64(UInt32(bitPattern: value))))
        } else {
            plainValues.appendLittleEndian(value)
        }
        try endValue()
    }

    public func append(_ value: Double) throws(ParquetError) {
        guard physicalType == .double else { throw mismatch("DOUBLE") }
        try beginValue()
        statistics.add(value)
        if usesDictionary {
            dictionaryIndices.append(fixedDictionary.index(ofBits: value.bitPattern))
        } else {
            plainValues.appendLittleEndian(value.bitPattern)
        }
        try endValue()
    }

    public func append(_ value: Bool) throws(ParquetError) {
        guard physicalType == .boolean else { throw mismatch("BOOLEAN") }
        try beginValue()
        statistics.add(Int64(value ? 1 : 0))
        plainValues.append(value ? 1 : 0)
        try endValue()
    }

    /// STRING columns: the UTF-8 bytes of one value.
    public func append(utf8 bytes: UnsafeRawBufferPointer) throws(ParquetError) {
        guard physicalType == .byteArray else { throw mismatch("STRING") }
        try beginValue()
        if usesDictionary {
            let entries = byteArrayDictionary.count
            let index = byteArrayDictionary.index(of: bytes)
            // A value already in the dictionary was already counted in the chunk's min and max.
            if index == entries { statistics.add(bytes) }
            dictionaryIndices.append(index)
        } else {
            statistics.add(bytes)
            plainValues.appendPlainByteArray(bytes)
        }
        try endValue()
    }

    public func append(_ value: String) throws(ParquetError) {
        var value = value
        let result: Result<Void, ParquetError> = value.withUTF8 { utf8 in
            Result { () throws(ParquetError) in try append(utf8: UnsafeRawBufferPointer(utf8)) }
        }
        try result.get()
    }

    @inline(__always)
    private func beginValue() throws(ParquetError) {
        if isRepeated { try beginRepeatedEntry() }
        if presentLevel > 0 { definitionLevels.append(presentLevel) }
        chunkNonNullCount += 1
    }

    /// Records the entry's repetition level; a new row may first end a full page, so that pages hold whole rows
    /// (readers count a page's rows by its level-0 entries).
    private func beginRepeatedEntry() throws(ParquetError) {
        guard nextRepetitionLevel >= 0, nextRepetitionLevel <= column.maxRepetitionLevel else {
            throw .invalidSchema("repetition level \(nextRepetitionLevel) is outside 0...\(column.maxRepetitionLevel) for column '\(column.name)'")
        }
        if nextRepetitionLevel == 0 {
            try endPageIfFull()
            repeatedRowCount += 1
        }
        repetitionLevels.append(UInt8(nextRepetitionLevel))
        nextRepetitionLevel = 0
    }

    @inline(__always)
    private func endValue() throws(ParquetError) {
        pageValueCount += 1
        valueCount += 1
        if !isRepeated { try endPageIfFull() }
    }

    /// Rows with entries in the chunk.
    var rowCount: Int { isRepeated ? repeatedRowCount : valueCount }

    @inline(__always)
    private func endPageIfFull() throws(ParquetError) {
        if usesDictionary && dictionaryByteCount > properties.dictionaryPageSizeLimit {
            // Parquet allows a chunk to switch to PLAIN pages after its dictionary pages (parquet-format#404).
            try finishPage()
            if usesDictionary { try abandonDictionary() }
            return
        }
        if pageValueCount >= properties.dataPageRowLimit || estimatedPageSize >= properties.dataPageSize {
            try finishPage()
        }
    }

    private func mismatch(_ appended: String) -> ParquetError {
        .typeMismatch(column: column.name, columnType: column.type, appended: appended)
    }

    private var dictionaryByteCount: Int {
        physicalType == .byteArray ? byteArrayDictionary.plainByteCount : fixedDictionary.plainByteCount
    }

    private var dictionaryEntryCount: Int {
        physicalType == .byteArray ? byteArrayDictionary.count : fixedDictionary.count
    }

    private var estimatedPageSize: Int {
        usesDictionary ? dictionaryIndices.count * 4 : plainValues.count
    }

    /// Bytes held by the open page: its values or indices and its levels.
    var openPageByteCount: Int {
        estimatedPageSize + definitionLevels.count + repetitionLevels.count
    }

    /// Uncompressed bytes of this chunk so far, pending page included (for row-group sizing).
    var estimatedUncompressedSize: Int {
        submittedBodySize + estimatedPageSize + (definitionLevels.count + repetitionLevels.count) / 8 + dictionaryByteCount
    }

    /// Bytes held in memory by this column (compressed pages, the open page and the dictionary).
    var bufferedByteCount: Int {
        dataPages.byteCount + dictionaryPage.count + plainValues.count + dictionaryIndices.count * 4 + definitionLevels.count + dictionaryByteCount
    }

    // MARK: Pages

    /// Encodes the open page and hands it to the codec. Also called by the writer at a row boundary, to keep its open
    /// pages within `openPagesByteLimit`.
    func finishPage() throws(ParquetError) {
        guard pageValueCount > 0 else { return }
        if usesDictionary && dictionaryDataPageCount == 0 && dictionaryEntryCount > chunkNonNullCount / 2 {
            dropUnwrittenDictionary()
        }
        // A page of nulls only (an empty dictionary so far) is written PLAIN: there is nothing to index.
        let pageUsesDictionary = usesDictionary && dictionaryEntryCount > 0
        let plainPage = !pageUsesDictionary && physicalType != .boolean && fallbackEncoding != .deltaByteArray
        var body: [UInt8] = []
        body.reserveCapacity(definitionLevels.count / 8 + 16 + (pageUsesDictionary ? dictionaryIndices.count * 4 : plainPage ? 0 : plainValues.count))
        if isRepeated {
            Self.appendLevels(repetitionLevels, maxLevel: column.maxRepetitionLevel, to: &body)
        }
        if presentLevel > 0 {
            if pageNullCount == 0 {
                Self.appendLevels(repeating: presentLevel, count: pageValueCount, to: &body)
            } else {
                Self.appendLevels(definitionLevels, maxLevel: column.maxDefinitionLevel, to: &body)
            }
        }
        if pageUsesDictionary {
            // RLE_DICTIONARY page body: 1 byte bit width, then the hybrid-encoded indices with no length prefix.
            let bitWidth = max(1, BitPacking.bitWidth(of: UInt32(max(0, dictionaryEntryCount - 1))))
            body.append(UInt8(bitWidth))
            var encoder = RLEHybridEncoder(bitWidth: bitWidth)
            for index in dictionaryIndices { encoder.put(index) }
            body.append(contentsOf: encoder.finish())
        } else if physicalType == .boolean {
            appendBitPackedBooleans(to: &body)
        } else if fallbackEncoding == .deltaByteArray {
            DeltaByteArray.encode(plain: plainValues, count: pageValueCount - pageNullCount, into: &body)
        } else {
            // The values' buffer becomes the body, the levels moved in before them (in place when the buffer has room
            // for them): the values are not copied into a fresh buffer (page faults on every 4 KiB it fills).
            let levels = body
            body = plainValues
            plainValues = []
            body.insert(contentsOf: levels, at: 0)
            // The next page is likely as long: one buffer of that size (up to the page size, with room for its levels)
            // instead of growing through every size below. What the page does not fill is never touched.
            let expected = min(body.count, properties.dataPageSize)
            plainValues.reserveCapacity(expected + expected / 16)
        }
        let header = PageHeader(
            type: .dataPage, uncompressedPageSize: 0, compressedPageSize: 0,
            dataPage: DataPageHeader(
                numValues: Int32(pageValueCount),
                encoding: pageUsesDictionary ? .rleDictionary : fallbackEncoding,
                definitionLevelEncoding: .rle, repetitionLevelEncoding: .rle))
        submittedBodySize += body.count
        codec.emitDataPage(header, body: body, into: dataPages)
        if pageUsesDictionary { dictionaryDataPageCount += 1 } else { fallbackDataPageCount += 1 }
        definitionLevels.removeAll(keepingCapacity: true)
        repetitionLevels.removeAll(keepingCapacity: true)
        // Other pages' buffers are reused, unless long: a column keeps no more than that idle.
        if !plainPage && plainValues.capacity > Self.retainedPageCapacity {
            plainValues = []
        } else {
            plainValues.removeAll(keepingCapacity: true)
        }
        dictionaryIndices.removeAll(keepingCapacity: true)
        pageValueCount = 0
        pageNullCount = 0
        if pageUsesDictionary && dictionaryEntryCount > chunkNonNullCount / 2 {
            // Mostly distinct values: the dictionary costs more than it saves; the rest of the chunk goes without.
            try abandonDictionary()
        }
    }

    /// The chunk's first page shows mostly distinct values: it is written without the dictionary, which is dropped
    /// before any page used it, so the chunk has no dictionary page (as DuckDB writes such columns). A dictionary
    /// page for one data page costs its indices on top of the same values: 6% more bytes on the API's URL columns.
    private func dropUnwrittenDictionary() {
        if physicalType == .byteArray {
            byteArrayDictionary.appendPlain(of: dictionaryIndices, to: &plainValues)
        } else {
            fixedDictionary.appendPlain(of: dictionaryIndices, to: &plainValues)
        }
        dictionaryIndices.removeAll(keepingCapacity: true)
        usesDictionary = false
        fixedDictionary = FixedWidthDictionary(byteWidth: physicalType == .int32 ? 4 : 8)
        byteArrayDictionary = ByteArrayDictionary()
    }

    /// The rest of the chunk is written without the dictionary, so its page is final: it is emitted now and the
    /// dictionary's memory freed, instead of being held until the row group ends.
    private func abandonDictionary() throws(ParquetError) {
        usesDictionary = false
        try emitDictionaryPage()
        fixedDictionary = FixedWidthDictionary(byteWidth: physicalType == .int32 ? 4 : 8)
        byteArrayDictionary = ByteArrayDictionary()
    }

    /// Emits the chunk's dictionary page once, if data pages used the dictionary.
    private func emitDictionaryPage() throws(ParquetError) {
        guard dictionaryDataPageCount > 0, dictionaryPage.isEmpty else { return }
        let body = physicalType == .byteArray ? byteArrayDictionary.plainBytes : fixedDictionary.plainBytes
        let header = PageHeader(
            type: .dictionaryPage, uncompressedPageSize: 0, compressedPageSize: 0,
            dictionaryPage: DictionaryPageHeader(numValues: Int32(dictionaryEntryCount), encoding: .plain))
        dictionaryPageSizes = try codec.emitPage(header, body: body, into: &dictionaryPage)
    }

    /// v1 levels: 4-byte little-endian length, then the hybrid encoding at the bit width of the column's highest level.
    private static func appendLevels(_ levels: [UInt8], maxLevel: Int, to body: inout [UInt8]) {
        var encoder = RLEHybridEncoder(bitWidth: BitPacking.bitWidth(of: UInt32(maxLevel)))
        for level in levels { encoder.put(UInt32(level)) }
        appendLengthPrefixed(encoder.finish(), to: &body)
    }

    /// Levels of a page whose entries are all present values: one run.
    private static func appendLevels(repeating level: UInt8, count: Int, to body: inout [UInt8]) {
        var encoder = RLEHybridEncoder(bitWidth: BitPacking.bitWidth(of: UInt32(level)))
        encoder.put(UInt32(level), count: count)
        appendLengthPrefixed(encoder.finish(), to: &body)
    }

    private static func appendLengthPrefixed(_ levels: [UInt8], to body: inout [UInt8]) {
        body.appendLittleEndian(UInt32(levels.count))
        body.append(contentsOf: levels)
    }

    /// Parquet: BOOLEAN PLAIN is bit-packed, LSB first, not one byte per value.
    private func appendBitPackedBooleans(to body: inout [UInt8]) {
        var byte: UInt8 = 0
        for (i, value) in plainValues.enumerated() {
            byte |= value << UInt8(i & 7)
            if i & 7 == 7 {
                body.append(byte)
                byte = 0
            }
        }
        if plainValues.count & 7 != 0 { body.append(byte) }
    }

    // MARK: Chunk

    struct ChunkOutput {
        var dictionaryPage: [UInt8]
        var dataPages: CompressedPages.Contents
        /// Offsets relative to the chunk start; the file writer adds the chunk's file position.
        var metadata: ColumnChunkMetadata
    }

    /// Ends the column chunk of the current row group and resets for the next one.
    func finishChunk() throws(ParquetError) -> ChunkOutput {
        try finishPage()
        try emitDictionaryPage()
        codec.drain()
        let pages = try dataPages.take()
        let chunkUncompressedSize = pages.uncompressedSize + dictionaryPageSizes.uncompressed
        let chunkStoredSize = pages.storedSize + dictionaryPageSizes.stored
        var encodings: [Encoding] = [.plain, .rle]
        var encodingStats: [PageEncodingStats] = []
        if dictionaryDataPageCount > 0 {
            encodings.append(.rleDictionary)
            encodingStats.append(PageEncodingStats(pageType: .dictionaryPage, encoding: .plain, count: 1))
            encodingStats.append(PageEncodingStats(pageType: .dataPage, encoding: .rleDictionary, count: dictionaryDataPageCount))
        }
        if fallbackDataPageCount > 0 {
            if fallbackEncoding != .plain { encodings.append(fallbackEncoding) }
            encodingStats.append(PageEncodingStats(pageType: .dataPage, encoding: fallbackEncoding, count: fallbackDataPageCount))
        }
        let metadata = ColumnChunkMetadata(
            physicalType: physicalType,
            encodings: encodings,
            path: column.path,
            codec: codec.codec,
            numValues: Int64(valueCount),
            totalUncompressedSize: Int64(chunkUncompressedSize),
            totalCompressedSize: Int64(chunkStoredSize),
            dataPageOffset: Int64(dictionaryPage.count),
            dictionaryPageOffset: dictionaryPage.isEmpty ? nil : 0,
            statistics: properties.statisticsEnabled
                ? statistics.statistics(for: physicalType, maxValueLength: properties.statisticsMaxValueLength) : nil,
            encodingStats: properties.encodingStatsEnabled ? encodingStats : nil)
        let output = ChunkOutput(dictionaryPage: dictionaryPage, dataPages: pages, metadata: metadata)
        resetChunk()
        return output
    }

    private func resetChunk() {
        usesDictionary = properties.dictionaryEnabled && physicalType != .boolean
        fixedDictionary = FixedWidthDictionary(byteWidth: physicalType == .int32 ? 4 : 8)
        byteArrayDictionary = ByteArrayDictionary()
        dictionaryPage = []
        dictionaryPageSizes = (0, 0)
        dictionaryDataPageCount = 0
        fallbackDataPageCount = 0
        submittedBodySize = 0
        chunkNonNullCount = 0
        valueCount = 0
        repeatedRowCount = 0
        statistics.reset()
    }
}
