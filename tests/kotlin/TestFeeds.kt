package vn.canhgiac.tests

import org.junit.Assert.assertEquals
import java.io.File

/**
 * Publishes `csv` as the next version of the feed folder `name` under the folder nginx serves
 * (`./build.sh test` starts it), with the CLI and the test key; `work` holds the CSV. Returns the
 * folder's address, beside the test feed's.
 */
fun publishFeed(work: File, name: String, csv: String): String {
    val input = File(work, "$name.csv").apply { writeText(csv) }
    val out = File(System.getenv("CANHGIAC_TEST_FEED_ROOT")!!, name)
    val p = ProcessBuilder(
        System.getenv("CANHGIAC_CLI")!!, "feed", "build", "--input", input.path,
        "--key", System.getenv("CANHGIAC_TEST_FEED_SECRET")!!, "--out", out.path,
    ).redirectErrorStream(true).start()
    val log = p.inputStream.bufferedReader().readText()
    assertEquals(log, 0, p.waitFor())
    return System.getenv("CANHGIAC_TEST_FEED_URL")!!.replace("/feed/", "/$name/")
}
