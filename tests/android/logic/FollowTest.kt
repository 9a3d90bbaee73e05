package vn.canhgiac.tests.android

import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import vn.canhgiac.app.logic.FollowOffer
import vn.canhgiac.app.logic.LinkProblem
import vn.canhgiac.app.logic.followOffer
import vn.canhgiac.app.logic.logText
import vn.canhgiac.core.FollowLinkException
import vn.canhgiac.core.keyFingerprint
import vn.canhgiac.core.parseFollowLink
import java.net.URLEncoder
import java.security.MessageDigest

/** The follow link through the real generated bindings: the core reads it, the app's logic says what to offer. */
class FollowTest {
    private val f = Fixture()

    @After
    fun cleanUp() = f.close()

    // RFC 8032, test 1: a real public key, nobody's list.
    private val key = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"

    @Test
    fun aLinkIsReadByTheCoreAndOfferedWithItsFingerprint() {
        val offer = followOffer(f.guard, link("Công an tỉnh X", "https://lists.example.org/feed/", key))
        offer as FollowOffer.New
        assertEquals("Công an tỉnh X", offer.link.name)
        assertEquals("https://lists.example.org/feed/", offer.link.url)
        assertEquals(listOf(key), offer.link.keys)
        // The key id (the first 8 bytes of the key's SHA-256), in 4 groups of 4 hex.
        val id = MessageDigest.getInstance("SHA-256").digest(hexBytes(key)).take(8).joinToString("") { "%02x".format(it) }
        assertEquals(listOf(id.chunked(4).joinToString(" ")), offer.fingerprints)
        assertEquals(offer.fingerprints.single(), keyFingerprint(key))
        // Reading follows nothing.
        assertTrue(f.guard.feeds().isEmpty())
    }

    @Test
    fun eachRefusalHasItsKindAndTheCoresReason() {
        val http = link("A", "http://a.example/", key)
        try {
            parseFollowLink(http)
            fail("an http link was read")
        } catch (e: FollowLinkException.NotHttps) {
            assertTrue(e.reason, e.reason.contains("a feed must be fetched over https"))
        }
        for ((text, problem) in listOf(
            http to LinkProblem.NOT_HTTPS,
            link("A", "https://a.example/", key).replace("v=1", "v=2") to LinkProblem.NEWER_APP,
            "canhgiac://follow?v=1&name=A" to LinkProblem.MALFORMED,
            link("A", "https://a.example/", key.dropLast(1)) to LinkProblem.MALFORMED,
            link("A", "https://a.example/", key) + "&pad=" + "x".repeat(2048) to LinkProblem.MALFORMED,
            "https://a.example/" to LinkProblem.MALFORMED,
            null to LinkProblem.MALFORMED,
        )) {
            val offer = followOffer(f.guard, text)
            assertTrue("$text: $offer", offer is FollowOffer.Refused && offer.problem == problem && offer.reason.isNotEmpty())
        }
        assertTrue(f.guard.feeds().isEmpty())
    }

    @Test
    fun aListFollowedAlreadyIsSaidToBeAndKeepsItsKeys() {
        val held = f.guard.addFeed("Cộng đồng", "https://a.example/feed/", listOf(key), verifyOrgs = true)
        val other = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"
        for (text in listOf(link("Khác", "https://a.example/feed/manifest.json", other), link("Cộng đồng", "https://b.example/", other))) {
            val offer = followOffer(f.guard, text)
            assertTrue("$offer", offer is FollowOffer.Followed && offer.feed.name == "Cộng đồng")
            try {
                f.guard.followLink(parseFollowLink(text))
                fail("a followed list was replaced")
            } catch (e: vn.canhgiac.core.CanhGiacException.InvalidInput) {
                assertTrue(e.reason, e.reason.contains("you already follow Cộng đồng"))
            }
        }
        assertEquals(listOf(held), f.guard.feeds())
    }

    @Test
    fun followingALinkNeverVerifiesOrganisations() {
        val followed = f.guard.followLink(parseFollowLink(link("A", "https://a.example/", key) + "&verify_orgs=1"))
        assertFalse(followed.verifyOrgs)
        assertEquals(listOf(key), f.guard.feeds().single().publicKeys)
        val e = try { parseFollowLink("nope"); null } catch (e: FollowLinkException) { e }!!
        assertTrue(logText(e), logText(e).startsWith("NotAFollowLink: "))
    }

    companion object {
        private fun enc(s: String) = URLEncoder.encode(s, "UTF-8").replace("+", "%20")

        fun link(name: String, url: String, vararg keys: String): String =
            "canhgiac://follow?v=1&name=${enc(name)}&url=${enc(url)}" + keys.joinToString("") { "&key=$it" }

        private fun hexBytes(hex: String) = ByteArray(hex.length / 2) { hex.substring(2 * it, 2 * it + 2).toInt(16).toByte() }
    }
}
