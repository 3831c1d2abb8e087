import XCTest
@testable import RetortSQL
@testable import RetortModel
@testable import RetortReading
@testable import RetortGraph
@testable import RetortState
@testable import RetortCompiler
@testable import RetortRendering
@testable import RetortDiff
@testable import RetortScripts
@testable import RetortLint
@testable import RetortKit
import RetortTestSupport

final class XMLReaderTests: XCTestCase {
    func parse(_ text: String) throws -> XMLNode { try XMLReader.parse(Array(text.utf8), displayPath: "f.xml") }

    func testStartTagPositionsAreExact() throws {
        let root = try parse("<a>\n  <b x=\"1\"\n     y=\"2\"/>\n\t<c>t&amp;u</c></a>")
        XCTAssertEqual(root.location, SourceLocation(file: "f.xml", line: 1, column: 1))
        XCTAssertEqual(root.children[0].location, SourceLocation(file: "f.xml", line: 2, column: 3))
        XCTAssertEqual(root.children[1].location, SourceLocation(file: "f.xml", line: 4, column: 2))
        XCTAssertEqual(root.children[1].text, "t&u")
        XCTAssertEqual(root.children[0].attributes.map(\.name), ["x", "y"])
    }

    func testDoctypeIsRefused() {
        assertDiagnostic(try parse("<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY e \"x\">]>\n<a>&e;</a>"), id: "xml-forbidden", line: 2, contains: "DOCTYPE")
    }

    func testExternalEntityIsRefused() {
        assertDiagnostic(try parse("<!DOCTYPE a [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><a>&xxe;</a>"), id: "xml-forbidden", contains: "DOCTYPE")
    }

    func testEntityExpansionIsRefused() {
        let bomb = "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]><lolz>&lol2;</lolz>"
        assertDiagnostic(try parse(bomb), id: "xml-forbidden", contains: "DOCTYPE")
    }

    func testUndeclaredEntityIsAnError() {
        XCTAssertThrowsError(try parse("<a>&nope;</a>"))
    }

    func testMalformedXMLPointsAtTheProblem() {
        assertDiagnostic(try parse("<a>\n  <b>\n</a>"), id: "xml-malformed", line: 3, contains: "malformed XML")
    }

    func testEmptyFile() {
        assertDiagnostic(try XMLReader.parse([], displayPath: "f.xml"), id: "xml-empty", line: 1, column: 1, contains: "empty")
    }

    func testInvalidUTF8() {
        assertDiagnostic(try XMLReader.parse(Array("<a>\n x".utf8) + [0xC3, 0x28] + Array("</a>".utf8), displayPath: "f.xml"),
                         id: "xml-encoding", line: 2, column: 3, contains: "UTF-8")
    }

    func testOversizedInputIsRefusedBeforeParsing() {
        let big = [UInt8](repeating: UInt8(ascii: " "), count: XMLReader.maximumFileSize + 1)
        assertDiagnostic(try XMLReader.parse(big, displayPath: "f.xml"), id: "xml-too-large", contains: "larger")
    }

    func testDeepNestingDoesNotCrash() {
        let deep = String(repeating: "<a>", count: 5000) + String(repeating: "</a>", count: 5000)
        assertDiagnostic(try parse(deep), id: "xml-too-deep", line: 1, column: 769, contains: "nested")
    }

    func testCDATAKeepsText() throws {
        XCTAssertEqual(try parse("<sql><![CDATA[a < b && c]]></sql>").text, "a < b && c")
    }

    func testEscapedCharactersInAttributesComeBackAsWritten() throws {
        let node = try parse("<c a=\"x &amp; y &lt;z&gt; &quot;q&quot; &#38; &amp;#38;\" b='it&apos;s'/>")
        XCTAssertEqual(node.attribute("a"), "x & y <z> \"q\" & &#38;")
        XCTAssertEqual(node.attribute("b"), "it's")
    }
}
