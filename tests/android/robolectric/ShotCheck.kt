package vn.canhgiac.tests.robolectric

import java.io.File
import javax.imageio.ImageIO
import kotlin.system.exitProcess

/**
 * Each screenshot is there, at the phone's size, and not blank: more than a few colours, and
 * at least 1% of its pixels differ from its most common colour (the background).
 */
fun main(args: Array<String>) {
    val dir = File(args[0])
    var bad = 0
    for (name in Screenshots.NAMES) {
        val f = File(dir, "$name.png")
        val problem = if (!f.isFile) {
            "missing"
        } else {
            val img = ImageIO.read(f)
            val counts = HashMap<Int, Int>()
            for (y in 0 until img.height step 2) for (x in 0 until img.width step 2) counts.merge(img.getRGB(x, y), 1, Int::plus)
            val total = counts.values.sum()
            val other = total - counts.values.max()
            when {
                img.width != Screenshots.W || img.height != Screenshots.H -> "${img.width}x${img.height}"
                counts.size < 8 || other < total / 100 -> "blank (${counts.size} colours, ${100.0 * other / total}% not background)"
                else -> null
            }
        }
        if (problem != null) {
            System.err.println("screenshot $name: $problem")
            bad++
        }
    }
    println("screenshots: ${Screenshots.NAMES.size - bad} passed, $bad failed")
    if (bad > 0) exitProcess(1)
}
